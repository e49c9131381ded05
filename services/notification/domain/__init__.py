"""The notification service's pure domain: which notices an event produces, and how they read.

No I/O beyond reading the service's own templates and tariff at start-up, and no
clock: every date a rule needs arrives with the event or as an argument.
"""

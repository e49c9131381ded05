"""The notification service's pure domain: which notices an event produces, and what they say.

No I/O and no clock: the tariff arrives as an argument (read by `adapters/tariff.py`),
every date a rule needs arrives with the event, and turning a notice into an e-mail
(templates, MIME, bytes) is `adapters/mail/`'s.
"""

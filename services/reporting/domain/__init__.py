"""Reporting's pure domain: the approval lifecycle, its schedule, and the figures.

No I/O beyond reading the validity data file it is pointed at, no clock reads (today and
now are passed in), and nothing from faststream, pymongo or structlog.
"""

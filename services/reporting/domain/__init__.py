"""Reporting's pure domain: the approval lifecycle, its schedule, and the figures.

No I/O (the validity rules are handed in, read by `adapters/validity_file.py`), no clock
reads (today and now are passed in), and nothing from faststream, pymongo or structlog.
"""

"""Eligibility's use cases over small ports (see `ports.py`):

- `assess`: decide each received application once, republishing a stored decision on redelivery;
- `project`: keep the projection of organisations' approvals that assessments read.
"""

"""Reporting's use cases: bureau events into approvals, the schedule, the outbox, and the figures.

They call the pure domain and write through the ports in `ports.py`; the composition root
(`app.py`) gives them MongoDB and Kafka adapters, and the unit tests give them fakes.
"""

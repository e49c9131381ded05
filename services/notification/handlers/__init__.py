"""Use cases of the notification service, over the ports in `ports.py`."""

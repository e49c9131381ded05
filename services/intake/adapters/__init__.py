"""Intake's edges: MongoDB repositories, the Kafka publisher and subscribers, the HTTP API."""

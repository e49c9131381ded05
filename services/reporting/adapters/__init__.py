"""Reporting's edges: MongoDB repositories, Kafka publishing and lag, and the HTTP routes."""

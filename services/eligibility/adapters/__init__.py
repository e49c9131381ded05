"""Eligibility's edges: MongoDB stores (decisions, approvals projection), the Kafka publisher, the subscribers."""

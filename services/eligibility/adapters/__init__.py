"""Eligibility's edges: the rule files, MongoDB stores (decisions, approvals projection), the Kafka publisher,
the subscribers.
"""

"""Operators' tools: commands run by hand against a running system, never imported by a service."""

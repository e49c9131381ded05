"""The one source of truth for what crosses the wire between services.

Data only: frozen pydantic models for event payloads, the topic catalogue and the
CloudEvents attribute names. No clients, no helpers, no rules. Readers are
tolerant: unknown fields are ignored, so a writer may add optional fields within
a topic version.
"""

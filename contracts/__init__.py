"""The one source of truth for what crosses the wire between services.

Data only: frozen pydantic models for event payloads, the topic catalogue and the
CloudEvents attribute names, and the calendar their dates are in (`calendar`: days
in Japan and month steps, so that every service reads a date the same way). No
clients, no domain rules. Readers are tolerant: unknown fields are ignored, so a
writer may add optional fields within a topic version.
"""

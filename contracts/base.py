"""Base model for every payload on the wire."""

from pydantic import BaseModel, ConfigDict


class Payload(BaseModel):
    """Frozen, and tolerant of fields it does not know (a newer writer may add optional ones)."""

    model_config = ConfigDict(frozen=True, extra="ignore")

"""What a batch could not finish, raised to the chassis once every chunk is done, in the order that matters.

A bug first (the chassis isolates the batch record by record), then an event id no
NoticeSent could name, then a temporary failure (the whole batch is tried again, the
events that wait with it), and last the events that wait for their application's
acceptance, which the chassis parks alone: it may do so only when all the rest is done.
"""

from dataclasses import dataclass, field

from pydantic import TypeAdapter, ValidationError

from contracts.application import Identifier
from services.notification.domain.notices import MissingContact
from services.notification.handlers.ports import EventsWaiting, TemporaryFailure

_IDENTIFIER: TypeAdapter[str] = TypeAdapter(Identifier)


class UnusableEventId(ValueError):
    """NoticeSent names its source event by id, as an `Identifier`; this one is not."""


@dataclass
class Leftovers:
    """What the chunks of one batch could not finish."""

    errors: list[BaseException] = field(default_factory=list)
    missing: dict[str, MissingContact] = field(default_factory=dict)
    unusable: list[str] = field(default_factory=list)

    def raise_any(self) -> None:
        """Raised last, once everything that could be settled and published has been."""
        bugs = [error for error in self.errors if not isinstance(error, TemporaryFailure)]
        if bugs:
            raise bugs[0]  # the chassis isolates the batch record by record and dead-letters the culprit
        if self.unusable:
            raise UnusableEventId(f"event id {self.unusable[0]!r} is not an Identifier, so no NoticeSent could name it")
        if self.errors:
            # Before the waiting events: a retry of the whole batch reaches them again, and parks them then.
            raise TemporaryFailure(f"{len(self.errors)} notice(s) not handed to the mail server yet: {self.errors[0]}")
        if self.missing:
            raise EventsWaiting({event_id: waits_for(m) for event_id, m in self.missing.items()})


def waits_for(missing: MissingContact) -> str:
    """What a parked event waits for, as operators read it: ids only."""
    return f"the acceptance of application {missing.application_id} ({missing.event_type} needs its contact)"


def usable(event_id: str) -> bool:
    try:
        _IDENTIFIER.validate_python(event_id)
    except ValidationError:
        return False
    return True

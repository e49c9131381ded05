"""Which filing times intake believes: at most a little ahead of its clock, and not older than a limit.

The filing time (`submitted_at`) comes from the filer's side: the portal that took the
application, or an organisation's system that queued it. It fixes the filing date,
and with it the rules applied, whether the stay had expired, and the special period.
So intake takes it only inside a window around its own clock: a little ahead (clocks
disagree by seconds, not days) and back as far as a publisher may plausibly be late.
A time outside is refused, never corrected: intake cannot know the true one, and a
filing dated years back would otherwise be judged by rules that never existed.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from contracts.calendar import as_aware


class FilingTimeProblem(StrEnum):
    IN_FUTURE = "submitted_at_in_future"
    TOO_OLD = "submitted_at_too_old"


@dataclass(frozen=True, slots=True)
class FilingTimeRefused:
    problem: FilingTimeProblem
    explanation: str
    """For the filer: the limit the time broke, never the time sent."""


@dataclass(frozen=True, slots=True)
class FilingWindow:
    max_ahead: timedelta
    """Clock skew tolerated: how far `submitted_at` may lie ahead of intake's clock."""
    max_age: timedelta
    """How long before intake received it an application may have been filed."""

    def judge(self, submitted_at: datetime, now: datetime) -> FilingTimeRefused | None:
        """None when the filing time can be taken; a time without an offset is read as UTC."""
        moment, now = as_aware(submitted_at), as_aware(now)
        if moment > now + self.max_ahead:
            explanation = f"submitted_at is more than {_words(self.max_ahead)} ahead of intake's clock"
            return FilingTimeRefused(FilingTimeProblem.IN_FUTURE, explanation)
        if moment < now - self.max_age:
            explanation = f"submitted_at is more than {_words(self.max_age)} before intake received it"
            return FilingTimeRefused(FilingTimeProblem.TOO_OLD, explanation)
        return None


_UNITS = (("day", 86_400), ("hour", 3_600), ("minute", 60))


def _words(span: timedelta) -> str:
    """A limit in its largest whole unit: `30 days`, `5 minutes`, `90 seconds`."""
    seconds = span.total_seconds()
    count: float = seconds
    unit = "second"
    for name, size in _UNITS:
        if seconds >= size and seconds % size == 0:
            count, unit = seconds // size, name
            break
    shown = int(count) if count.is_integer() else count
    return f"{shown} {unit}{'' if shown == 1 else 's'}"

"""The figures over time: per Japan hour, what the events say happened and what the samples saw.

Counted hourly series (`HOURLY`) are ordinary counters with an `hour` label, folded exactly
once like every other figure, by the hour the event itself names (`received_at`, `changed_at`,
`sent_at`, `failed_at`), so a replay or a late event lands in its own hour. They are kept for
`KEPT_HOURS` and stay out of the snapshot and /metrics, where a label per hour would grow
without end (Prometheus draws its own history from the running totals).

What no event says is sampled: each service's lag (the highest reading of the hour) and the
dead-letter topics' running total, whose growth over an hour is that hour's dead letters.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final

from pydantic import BaseModel, ConfigDict, Field

from contracts.calendar import JST, as_aware
from contracts.reporting import CounterValue

HOUR_FORMAT: Final = "%Y-%m-%dT%H"
KEPT_HOURS: Final = 7 * 24
RECEIVED, DECIDED = "applications_received_hourly", "applications_decided_hourly"
SENT, FAILED = "notices_sent_hourly", "notices_failed_hourly"
HOURLY: Final = frozenset({RECEIVED, DECIDED, SENT, FAILED})


def japan_hour(moment: datetime) -> str:
    """`YYYY-MM-DDTHH`, the hour in Japan: strings in this form sort as the hours do."""
    return as_aware(moment).astimezone(JST).strftime(HOUR_FORMAT)


def hours_ending(now: datetime, count: int) -> list[str]:
    """The `count` Japan hours up to and including the one `now` is in, oldest first."""
    return [japan_hour(now - timedelta(hours=back)) for back in range(count - 1, -1, -1)]


def hour_start(hour: str) -> datetime:
    return datetime.strptime(hour, HOUR_FORMAT).replace(tzinfo=JST)


def previous_hour(hour: str) -> str:
    return japan_hour(hour_start(hour) - timedelta(hours=1))


def retained(name: str, labels: Mapping[str, str], now: datetime) -> bool:
    """Whether a counter is still kept: every one but an hourly series older than `KEPT_HOURS`."""
    return name not in HOURLY or labels.get("hour", "") >= japan_hour(now - timedelta(hours=KEPT_HOURS))


@dataclass(frozen=True, slots=True)
class HourSample:
    """What the samples of one hour saw."""

    lag: Mapping[str, int]
    """The highest lag read per service during the hour."""
    dead_letters_first: int
    dead_letters_last: int
    """The dead-letter topics' running total at the hour's first and last sample."""


def max_lag(before: Mapping[str, int], now: Mapping[str, int]) -> dict[str, int]:
    return {service: max(before.get(service, 0), now.get(service, 0)) for service in sorted({*before, *now})}


class HourFigures(BaseModel):
    model_config = ConfigDict(frozen=True)

    hour: str
    """`YYYY-MM-DDTHH`, in Japan time."""
    received: int = 0
    decided: int = 0
    """Applications whose examination ended (granted or denied)."""
    notices_sent: int = 0
    notices_failed: int = 0
    dead_letters: int | None = None
    """Records dead-lettered during the hour; None where the hour has no sample."""
    lag: dict[str, int] = Field(default_factory=dict)
    """The highest lag sampled during the hour, per service."""


class FiguresHistory(BaseModel):
    taken_at: datetime
    hours: tuple[HourFigures, ...]


def hourly_figures(
    hours: Sequence[str], counters: Iterable[CounterValue], samples: Mapping[str, HourSample]
) -> list[HourFigures]:
    """One row per hour of `hours`; `samples` may also hold the hour before the first, for its dead letters."""
    sums: dict[tuple[str, str], int] = {}
    for counter in counters:
        if counter.name in HOURLY and "hour" in counter.labels:
            key = (counter.name, counter.labels["hour"])
            sums[key] = sums.get(key, 0) + counter.value
    rows = []
    for hour in hours:
        sample = samples.get(hour)
        rows.append(
            HourFigures(
                hour=hour,
                received=sums.get((RECEIVED, hour), 0),
                decided=sums.get((DECIDED, hour), 0),
                notices_sent=sums.get((SENT, hour), 0),
                notices_failed=sums.get((FAILED, hour), 0),
                dead_letters=None if sample is None else _dead_letters(sample, samples.get(previous_hour(hour))),
                lag=dict(sample.lag) if sample is not None else {},
            )
        )
    return rows


def _dead_letters(sample: HourSample, before: HourSample | None) -> int:
    # From the last total of the hour before, so letters between two hours' samples are not lost.
    start = before.dead_letters_last if before is not None else sample.dead_letters_first
    return max(sample.dead_letters_last - start, 0)

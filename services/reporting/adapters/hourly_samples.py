"""Lag and dead-letter samples, one document per Japan hour: `figure_hours` `{_id: hour, ...}`.

`{_id, lag: [{service, records}], dead_letters_first, dead_letters_last, at}`: the highest lag
read per service during the hour (a list of small documents, not an object keyed by service,
so a service name is never taken for a field path) and the dead-letter topics' running total at
the hour's first and last sample. Each sample reads its hour by `_id` and writes it back whole:
the only filter the server pushes down, and the only writes are these. Two instances sampling in
the same instant can overwrite each other's reading; these are gauges read every minute, so a
lost reading is one point of a chart, never a wrong count. Hours older than the figures' history
are deleted by `_id` when a new hour begins.
"""

import asyncio
from collections.abc import Collection
from typing import Any

from pymongo.asynchronous.database import AsyncDatabase

from services.reporting.domain.history import KEPT_HOURS, HourSample, hour_start, hours_ending, max_lag
from services.reporting.handlers.ports import Clock, LagReading

HOURS = "figure_hours"


def _sample(document: dict[str, Any]) -> HourSample:
    return HourSample(
        lag={entry["service"]: entry["records"] for entry in document.get("lag", ())},
        dead_letters_first=document["dead_letters_first"],
        dead_letters_last=document["dead_letters_last"],
    )


class MongoHourlySamples:
    def __init__(self, database: AsyncDatabase[dict[str, Any]], *, wall: Clock) -> None:
        self._hours = database[HOURS]
        self._wall = wall

    async def add(self, hour: str, reading: LagReading) -> None:
        found = await self._hours.find_one({"_id": hour})
        before = _sample(found) if found is not None else None
        lag = max_lag(before.lag if before is not None else {}, reading.by_service)
        document = {
            "_id": hour,
            "lag": [{"service": service, "records": records} for service, records in lag.items()],
            "dead_letters_first": before.dead_letters_first if before is not None else reading.dead_letters,
            "dead_letters_last": reading.dead_letters,
            "at": self._wall.now(),
        }
        await self._hours.replace_one({"_id": hour}, document, upsert=True)
        if found is None:
            await self._forget_before(hour)

    async def read(self, hours: Collection[str]) -> dict[str, HourSample]:
        found = await asyncio.gather(*(self._hours.find_one({"_id": hour}) for hour in hours))
        return {hour: _sample(document) for hour, document in zip(hours, found, strict=True) if document is not None}

    async def _forget_before(self, hour: str) -> None:
        # The day that just left the history, one `_id` at a time: no range scan on this server.
        gone = hours_ending(hour_start(hour), KEPT_HOURS + 24)[:24]
        await asyncio.gather(*(self._hours.delete_one({"_id": h}) for h in gone))

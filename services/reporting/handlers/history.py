"""The figures over time: hourly counts from the ledger, and lag and dead letters sampled periodically."""

import asyncio

from services.reporting.domain.history import FiguresHistory, hourly_figures, hours_ending, previous_hour
from services.reporting.handlers.ports import Clock, FiguresLedger, HourlySamples, LagProbe

HOURS_SHOWN = 24


class History:
    def __init__(self, ledger: FiguresLedger, samples: HourlySamples, lag: LagProbe, clock: Clock) -> None:
        self._ledger = ledger
        self._samples = samples
        self._lag = lag
        self._clock = clock

    async def sample(self) -> None:
        """Folds the current lag and dead-letter total into the hour the clock is in."""
        reading = await self._lag.read()
        await self._samples.add(hours_ending(self._clock.now(), 1)[0], reading)

    async def run(self, interval: float) -> None:
        while True:
            await self.sample()
            await asyncio.sleep(interval)

    async def figures(self, hours: int = HOURS_SHOWN) -> FiguresHistory:
        now = self._clock.now()
        shown = hours_ending(now, hours)
        counters, samples = await asyncio.gather(
            self._ledger.counters(), self._samples.read([previous_hour(shown[0]), *shown])
        )
        return FiguresHistory(taken_at=now, hours=tuple(hourly_figures(shown, counters, samples)))

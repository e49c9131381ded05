"""Concurrent HTTP submissions stored, numbered and published together: a group commit.

Each HTTP request used to pay its own number reservation, inserts, publish, wait
for the broker's acknowledgement and mark-sent, so under load the requests queued
behind each other's round trips. Here a request hands its submissions over and
waits: while fewer than `in_flight` commits run, what waits goes out at once as one
call of the batch use case (`SubmitApplications`, the path the Kafka consumer
takes); while they all run, newcomers gather and go out together when one ends. So
a lone request waits for nothing, and a busy service makes fewer, larger commits.

Every request gets exactly the results of its own submissions, in order, once the
whole group is stored and its events acknowledged, as when it ran alone; the
use case already judges each submission on its own within a batch (two requests
with the same submission id in one group are answered as if they came one after
the other). If the shared call fails, every request of the group gets that error,
as each would have got it alone; nothing was answered, so nothing is lost: a
client's retry finds what was stored and the outbox relay publishes what was not.
A request whose client went away leaves its submissions in the group: they are
stored as if it had waited (a retry then finds them).
"""

import asyncio
from collections import deque
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

from services.intake.handlers.submit import Received, Refused, Submission

Results = list[Received | Refused]
Submit = Callable[[Sequence[Submission]], Awaitable[Results]]


@dataclass(frozen=True, slots=True)
class _Waiting:
    submissions: Sequence[Submission]
    answer: "asyncio.Future[Results]"


class GroupCommit:
    def __init__(self, submit: Submit, *, in_flight: int = 2, max_items: int = 500):
        """`in_flight` commits at most at a time; a group takes whole requests up to `max_items` submissions
        (a larger request goes alone)."""
        self._submit = submit
        self._in_flight = in_flight
        self._max_items = max_items
        self._waiting: deque[_Waiting] = deque()
        self._running: set[asyncio.Task[None]] = set()

    @property
    def waiting(self) -> int:
        """Requests waiting for a commit to end."""
        return len(self._waiting)

    async def __call__(self, submissions: Sequence[Submission]) -> Results:
        """One result per submission, in order; raises what the group's commit raised."""
        if not submissions:
            return []
        answer: asyncio.Future[Results] = asyncio.get_running_loop().create_future()
        self._waiting.append(_Waiting(submissions, answer))
        self._start()
        return await answer

    def _start(self) -> None:
        while self._waiting and len(self._running) < self._in_flight:
            group = [self._waiting.popleft()]
            items = len(group[0].submissions)
            while self._waiting and items + len(self._waiting[0].submissions) <= self._max_items:
                items += len(self._waiting[0].submissions)
                group.append(self._waiting.popleft())
            task = asyncio.create_task(self._commit(group))
            self._running.add(task)
            task.add_done_callback(self._ended)

    def _ended(self, task: "asyncio.Task[None]") -> None:
        self._running.discard(task)
        self._start()

    async def _commit(self, group: list[_Waiting]) -> None:
        try:
            results = await self._submit([s for waiting in group for s in waiting.submissions])
        except asyncio.CancelledError:
            for waiting in group:
                waiting.answer.cancel()
            raise
        except Exception as error:  # every request of the group answers with it, as each would alone
            for waiting in group:
                if not waiting.answer.done():
                    waiting.answer.set_exception(error)
            return
        start = 0
        for waiting in group:
            end = start + len(waiting.submissions)
            if not waiting.answer.done():  # not when its client went away
                waiting.answer.set_result(results[start:end])
            start = end

"""Waiting out a transient failure: no attempt budget, a capped wait, and other failures raised at once."""

import pytest
from pymongo.errors import AutoReconnect, OperationFailure

from chassis.backoff import Backoff, persistently
from chassis.errors import is_transient


def test_waits_double_up_to_the_cap_with_a_little_jitter() -> None:
    delays = Backoff(first_ms=100, max_ms=1_000).delays()
    waits = [next(delays) for _ in range(8)]
    for wait, nominal in zip(waits, [0.1, 0.2, 0.4, 0.8, 1.0, 1.0, 1.0, 1.0], strict=True):
        assert nominal * 0.8 <= wait <= nominal * 1.2


async def test_a_transient_failure_is_retried_until_it_passes_and_the_pause_is_reported() -> None:
    calls, paused, resumed = [0], [], []

    async def flaky() -> str:
        calls[0] += 1
        if calls[0] < 12:
            raise AutoReconnect("away")
        return "done"

    result = await persistently(
        flaky, Backoff(1, 2), what="test", on_pause=paused.append, on_resume=lambda: resumed.append(True)
    )
    assert (result, calls[0], len(paused), resumed) == ("done", 12, 11, [True])


async def test_any_other_failure_is_raised_at_once() -> None:
    calls = [0]

    async def broken() -> None:
        calls[0] += 1
        raise ValueError("a bug")

    with pytest.raises(ValueError, match="a bug"):
        await persistently(broken, Backoff(1, 2), what="test")
    assert calls == [1]


@pytest.mark.parametrize(
    ("error", "transient"),
    [
        (OperationFailure("interrupted at shutdown", code=11600), True),
        (OperationFailure("not primary", code=10107), True),
        (OperationFailure("write failed", code=1, details={"errorLabels": ["RetryableWriteError"]}), True),
        (OperationFailure("sqlite: context canceled", code=1), True),  # FerretDB stopping
        (OperationFailure("E11000 duplicate key", code=11000), False),
        (OperationFailure("bad query", code=2), False),
        (ValueError("a bug"), False),
    ],
)
def test_a_database_going_away_is_transient_and_a_refused_write_is_not(error: Exception, transient: bool) -> None:
    assert is_transient(error) is transient

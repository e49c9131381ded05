"""The system benchmark's wait for the end of a run asks the broker little while the run is plainly not over."""

import asyncio
from collections.abc import Iterable

import pytest

from bench import system
from bench._stack import Stack


def test_group_offsets_are_read_only_once_the_topics_hold_what_the_run_needs(monkeypatch: pytest.MonkeyPatch) -> None:
    held = iter([0, 400, 1_000, 1_000, 1_000, 1_000])
    asked: list[str] = []

    async def counts(bootstrap: str, topics: Iterable[str]) -> dict[str, int]:
        asked.append("counts")
        n = next(held)
        return dict.fromkeys(topics, n)

    async def service_groups(bootstrap: str) -> list[str]:
        asked.append("groups")
        return ["intake.t", "eligibility.t", "notification.t", "reporting.t"]

    async def lag(bootstrap: str, groups: Iterable[str]) -> dict[str, int]:
        return dict.fromkeys(groups, 0)

    monkeypatch.setattr(system, "counts", counts)
    monkeypatch.setattr(system, "service_groups", service_groups)
    monkeypatch.setattr(system, "lag", lag)
    stack = Stack(system.REPO / ".state" / "unused", kafka_port=1, mongo_port=2, smtp_port=3, http_port=4)

    asyncio.run(system.wait_drained(stack, 4, {"a.v1": 1_000}, timeout=30))

    # Every group's offsets cost the broker a coordinator lookup and an offset fetch each: not while counts are short.
    assert asked == ["counts", "counts", "counts", "groups", "counts", "groups"]

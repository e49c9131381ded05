"""chassis.runner settles the garbage collector once a service is built, before it serves."""

import gc
from collections.abc import Iterator

import pytest

from chassis.runner import YOUNG_GENERATION, settle_garbage_collector


@pytest.fixture
def collector() -> Iterator[None]:
    thresholds = gc.get_threshold()
    yield
    gc.unfreeze()
    gc.set_threshold(*thresholds)


@pytest.mark.usefixtures("collector")
def test_what_start_up_built_is_frozen_and_the_young_generation_grows() -> None:
    older = gc.get_threshold()[1:]
    assert gc.get_freeze_count() == 0
    settle_garbage_collector()
    assert gc.get_freeze_count() > 0
    assert gc.get_threshold() == (YOUNG_GENERATION, *older)


@pytest.mark.usefixtures("collector")
def test_reference_cycles_are_still_collected() -> None:
    settle_garbage_collector()

    class Node:
        other: "Node"

    first, second = Node(), Node()
    first.other, second.other = second, first
    del first, second
    assert gc.collect() >= 2

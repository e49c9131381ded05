"""The release loop's round costs no database command while nothing is parked, and still finds what is.

A round counts the parked records only when some may be this instance's to release: at start
(parked before a restart), after this instance parked, after its partitions changed (parked by
their former holder), and every `RECOUNT_ROUNDS` rounds (parked by another instance, told apart
from ours by nothing else).
"""

from typing import Any

from chassis.release import RECOUNT_ROUNDS
from tests.unit.chassis.test_parked_chains import DECIDED, Case


class Counted(Case):
    def __init__(self) -> None:
        super().__init__()
        self.counts = 0
        count = self.collection.count_documents

        async def counting(query: Any) -> int:
            self.counts += 1
            return await count(query)

        self.collection.count_documents = counting  # type: ignore[method-assign]

    async def rounds(self, n: int) -> None:
        await self.rounds_until(self.seconds + n * 0.5)


async def test_rounds_with_nothing_parked_send_no_command_until_the_recount() -> None:
    case = Counted()
    await case.rounds(1)  # the first round counts: records may have been parked before a restart
    assert case.counts == 1

    await case.rounds(RECOUNT_ROUNDS - 1)
    assert case.counts == 1

    await case.rounds(1)
    assert case.counts == 2


async def test_a_record_this_instance_parks_is_counted_and_released_in_the_next_rounds() -> None:
    case = Counted()
    await case.rounds(1)
    await case.consume(DECIDED, "decision")
    case.status = "under_examination"

    await case.rounds(2)

    assert case.applied == ["decision"]
    assert case.parked() == 0
    counted = case.counts
    await case.rounds(3)  # all gone again: quiet
    assert case.counts == counted


async def test_a_change_of_partitions_counts_again_to_find_what_their_former_holder_parked() -> None:
    case = Counted()
    await case.rounds(2)
    counted = case.counts
    case.deliveries[DECIDED.topic.name].assigned = lambda: {(DECIDED.topic.name, 0), (DECIDED.topic.name, 1)}

    await case.rounds(1)

    assert case.counts == counted + 1

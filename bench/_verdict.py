"""Fills a run's row: what it ended with, compared with what its load and its fault should have produced.

Why dead letters are matched record by record: "the dead-letter topics hold exactly the
poison records" means each poison record once per consumer group that reads its topic,
and nothing else. A count alone would let a healthy record moved aside hide behind a
poison record that was never dead-lettered. Consumer groups are named
`<service>.<topic>` (chassis.delivery), so which groups read a topic is read off Kafka.
"""

from collections import Counter

from bench._drain import lag, service_groups
from bench._load import Load
from bench._measure import Notices, Statuses, dead_letters, shortfall
from bench._report import Row


async def measure(
    load: Load, statuses: Statuses, notices: Notices, poison: dict[tuple[str, int, int], str], row: Row
) -> None:
    await statuses.update()
    notices.update()
    row.submitted = load.acknowledged
    others: Counter[str] = Counter()
    for application_id, wanted_status in load.expected_statuses().items():
        status = statuses.status(application_id)
        if status == wanted_status:
            row.final += 1
        else:
            others[str(status) if status else "none"] += 1
    row.other_statuses = dict(others)

    wanted, got = load.expected_notices(), notices.kinds()
    row.notices_unique = len(notices.ids)
    row.notices_expected = sum(wanted.values())
    row.notices_missing, row.notices_extra = shortfall(wanted, got)
    row.missing_by_kind = dict(wanted - got)
    row.notices_duplicated = notices.duplicated
    repeated = [f"{message_id} x{n}" for message_id, n in notices.ids.most_common(5) if n > 1]
    if repeated:
        row.notes.append(f"sent more than once (first 5): {', '.join(repeated)}")

    bootstrap = load.bootstrap
    groups = await service_groups(bootstrap)
    letters = await dead_letters(bootstrap)
    expected = Counter((t, p, o, g) for t, p, o in poison for g in groups if g.split(".", 1)[1] == t)
    found = Counter(letter.source for letter in letters)
    row.dead_letters = dict(Counter(letter.topic for letter in letters))
    row.dlq_reasons = dict(Counter(letter.reason for letter in letters))
    row.dlq_expected = sum(expected.values())
    row.dlq_unexpected = sum((found - expected).values())
    row.dlq_poison_missing = sum((expected - found).values())
    for (topic, partition, offset, group), n in sorted((expected - found).items()):
        row.notes.append(f"poison not dead-lettered by {group}: {poison[topic, partition, offset]} on {topic} ({n})")
    strays = Counter(
        (letter.topic, letter.source[3], letter.reason) for letter in letters if letter.source not in expected
    )
    for (topic, group, reason), n in sorted(strays.items()):
        row.notes.append(f"{n} record(s) in {topic} from {group} with dlq_reason {reason} are not poison")
    row.lag = {group: n for group, n in (await lag(bootstrap, groups)).items() if n}

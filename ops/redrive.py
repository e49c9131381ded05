"""Putting selected dead letters back on their source topic, each once, for the owning service to handle again.

A redriven record is the original as it was consumed (key, value, headers, same
partition), without the `dlq_*` headers and with `dlq_redriven_from` naming the dead
letter. Every consumer group of the source topic reads it: the group that
dead-lettered it handles it again, the others already have its event id and only
acknowledge it. A dead letter cut to fit its topic is redriven from the original,
read back at its source coordinates, as long as retention has kept it there and its
SHA-256 still matches.

A dead letter whose record was itself a redrive failed again: its service still cannot
use it. It is left alone unless asked for (`again`), so that running the same redrive
twice does nothing the second time instead of sending the same record round once more.
"""

import asyncio
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field

from aiokafka import AIOKafkaProducer

from chassis.kafka_security import client_options
from contracts import cloudevents as ce
from ops.ledger import Ledger
from ops.letters import OURS, Letter, Selection
from ops.reading import read_all, read_one

Outgoing = tuple[str, int, bytes | None, bytes | None, list[tuple[str, bytes]]]
"""(topic, partition, key, value, headers)."""


@dataclass
class Report:
    redriven: list[tuple[str, str]] = field(default_factory=list)
    """(dead letter, where it went: `<topic>:<partition>` on a dry run, with `:<offset>` otherwise)."""
    already: list[str] = field(default_factory=list)
    """Dead letters redriven by an earlier run, left alone."""
    skipped: list[tuple[str, str]] = field(default_factory=list)
    """(dead letter, why it cannot be redriven)."""
    failed_again: list[tuple[str, str]] = field(default_factory=list)
    """(dead letter, the dead letter it was a redrive of): redriven again only when asked for."""


async def redrive(
    bootstrap: str,
    topics: Sequence[str],
    selection: Selection,
    ledger: Ledger,
    *,
    dry_run: bool = False,
    again: bool = False,
) -> Report:
    letters = [letter for r in await read_all(bootstrap, topics) if (letter := Letter.of(r)) in selection]
    marks = await ledger.marks()
    # Groups reading one topic may each have dead-lettered the same record: it goes back once, for all of them.
    done = {mark.source for mark in marks.values()}
    report = Report()
    outgoing: dict[str, tuple[Outgoing, list[Letter]]] = {}
    for letter in letters:
        source = letter.source_ref
        if letter.ref in marks or source in done:
            report.already.append(letter.ref)
        elif letter.redriven_from is not None and not again:
            report.failed_again.append((letter.ref, letter.redriven_from))
        elif source in outgoing:
            outgoing[source][1].append(letter)
        elif isinstance(record := await _original(bootstrap, letter), str):
            report.skipped.append((letter.ref, record))
        else:
            outgoing[source] = (record, [letter])
    if dry_run:
        report.redriven = [(lt.ref, f"{r[0]}:{r[1]}") for r, group in outgoing.values() for lt in group]
        return report
    sent = await _send(bootstrap, [r for r, _ in outgoing.values()])
    report.redriven = [(lt.ref, to) for (_, group), to in zip(outgoing.values(), sent, strict=True) for lt in group]
    # Marked only once every record is acknowledged (see ops.ledger for why in this order).
    by_ref = {lt.ref: lt for _, group in outgoing.values() for lt in group}
    new = ledger.new_marks((ref, by_ref[ref].source_ref, to) for ref, to in report.redriven)
    await _send(bootstrap, [m.record(ledger.topic) for m in new])
    return report


async def _original(bootstrap: str, letter: Letter) -> Outgoing | str:
    """The record to put back, or why there is none."""
    source = letter.source
    if source is None:
        return "no dlq_source_* headers: not written by the dead-letter path"
    topic, partition, offset = source
    marker = (ce.DLQ_REDRIVEN_FROM_HEADER, letter.ref.encode())
    if not letter.truncated:
        return topic, partition, letter.record.key, letter.record.value, [*letter.original_headers(), marker]
    original = await read_one(bootstrap, topic, partition, offset)
    expected = letter.headers.get(ce.DLQ_ORIGINAL_SHA256_HEADER)
    if original is None or hashlib.sha256(original.value or b"").hexdigest() != expected:
        return f"cut to fit its topic, and the original is no longer at {topic}:{partition}:{offset}"
    headers = [(k, v) for k, v in (original.headers or ()) if k not in OURS]
    return topic, partition, original.key, original.value, [*headers, marker]


async def _send(bootstrap: str, records: Sequence[Outgoing]) -> list[str]:
    """Sends and waits for every acknowledgement; returns each record's `<topic>:<partition>:<offset>`."""
    if not records:
        return []
    producer = AIOKafkaProducer(**client_options(), bootstrap_servers=bootstrap, acks="all", enable_idempotence=True)
    await producer.start()
    try:
        pending = [
            await producer.send(topic, value, key=key, headers=headers, partition=partition)
            for topic, partition, key, value, headers in records
        ]
        sent = await asyncio.gather(*pending)
    finally:
        await producer.stop()
    return [f"{m.topic}:{m.partition}:{m.offset}" for m in sent]

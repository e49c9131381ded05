"""The dead-letter tool on the real broker: count, list, show, redrive (once), replay (never under a running group)."""

import io
import json
import os
import subprocess
import sys
import uuid
from datetime import UTC, datetime, timedelta

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient

from chassis.kafka_security import client_options
from contracts import cloudevents as ce
from ops.deadletters import run
from ops.reading import header_map, read_all
from tests.integration.ops.conftest import Copy, Raw

PERSONAL = {"applicant": {"name": "Yamada Taro", "date_of_birth": "1990-04-01"}, "filer_email": "taro@example.jp"}


def original(key: str, data: dict[str, object] | None = None) -> Raw:
    headers = [("ce_id", uuid.uuid4().hex.encode()), ("ce_type", b"jp.residence.test"), ("ce_specversion", b"1.0")]
    return key.encode(), json.dumps(data or {"submission_id": key}).encode(), headers


async def tool(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    status = await run(list(argv), out)
    return status, out.getvalue()


async def test_count_gives_the_dead_letters_by_topic_and_reason_and_list_selects_by_reason(copy: Copy) -> None:
    await copy.dead_letter(copy.submissions, [original("s-1"), original("s-2")], reason=ce.DLQ_REASON_MALFORMED)
    await copy.dead_letter(copy.submissions, [original("s-3")], reason=ce.DLQ_REASON_FAILED)
    await copy.dead_letter(copy.decisions, [original("a-1")], reason=ce.DLQ_REASON_FAILED, group="notification")

    status, counted = await tool("--bootstrap", copy.kafka, "--prefix", copy.prefix, "count")
    assert status == 0
    assert counted.splitlines() == [
        f"{copy.decisions.dlq}\tfailed\t1\tredriven 0",
        f"{copy.submissions.dlq}\tfailed\t1\tredriven 0",
        f"{copy.submissions.dlq}\tmalformed\t2\tredriven 0",
        "total\t4\tredriven 0",
    ]
    status, listed = await tool("--bootstrap", copy.kafka, "--prefix", copy.prefix, "list", "--reason", "failed")
    lines = listed.splitlines()
    assert status == 0
    assert len(lines) == 2
    assert {line.split("\t")[2] for line in lines} == {"failed"}
    assert any(f"group={copy.prefix}notification.{copy.decisions.name}" in line for line in lines)


async def test_show_gives_headers_reason_and_the_originals_coordinates_with_personal_data_masked(copy: Copy) -> None:
    [source] = await copy.dead_letter(copy.submissions, [original("s-1", PERSONAL)], reason=ce.DLQ_REASON_MALFORMED)
    [letter] = await read_all(copy.kafka, [copy.submissions.dlq])
    ref = f"{letter.topic}:{letter.partition}:{letter.offset}"

    status, shown = await tool("--bootstrap", copy.kafka, "show", ref)
    assert status == 0
    assert "reason       malformed" in shown
    assert f"original     {source}" in shown
    assert "ce_type: jp.residence.test" in shown
    assert "Yamada" not in shown
    assert "1990-04-01" not in shown
    assert "taro@example.jp" not in shown
    _, unmasked = await tool("--bootstrap", copy.kafka, "show", ref, "--unmask")
    assert "Yamada Taro" in unmasked
    assert "taro@example.jp" in unmasked


async def test_redrive_by_reason_puts_each_record_back_on_its_source_topic_once_even_when_run_twice(
    copy: Copy,
) -> None:
    failed = [original("s-1"), original("s-2")]
    await copy.dead_letter(copy.submissions, failed, reason=ce.DLQ_REASON_FAILED)
    await copy.dead_letter(copy.submissions, [original("s-3")], reason=ce.DLQ_REASON_MALFORMED)
    args = ("--bootstrap", copy.kafka, "--prefix", copy.prefix, "redrive", "--topic", copy.submissions.name)

    status, dry = await tool(*args, "--reason", "failed", "--dry-run")
    assert (status, dry.splitlines()[-1]) == (0, "would redrive 2, already redriven 0, skipped 0, failed again 0")
    assert len(await read_all(copy.kafka, [copy.submissions.name])) == 3
    status, first = await tool(*args, "--reason", "failed")
    assert (status, first.splitlines()[-1]) == (0, "redriven 2, already redriven 0, skipped 0, failed again 0")
    status, second = await tool(*args, "--reason", "failed")
    assert (status, second.splitlines()[-1]) == (0, "redriven 0, already redriven 2, skipped 0, failed again 0")

    records = await read_all(copy.kafka, [copy.submissions.name])
    redriven = [r for r in records if ce.DLQ_REDRIVEN_FROM_HEADER in header_map(r)]
    assert len(records) == 5
    assert sorted((r.key, r.value) for r in redriven) == sorted((k, v) for k, v, _ in failed)
    assert sorted(header_map(r)["ce_id"] for r in redriven) == sorted(dict(h)["ce_id"].decode() for *_, h in failed)
    assert not any(
        name.startswith("dlq_") and name != ce.DLQ_REDRIVEN_FROM_HEADER for r in redriven for name in header_map(r)
    )
    _, counted = await tool("--bootstrap", copy.kafka, "--prefix", copy.prefix, "count")
    assert f"{copy.submissions.dlq}\tfailed\t2\tredriven 2" in counted


async def test_a_redriven_record_that_fails_again_is_not_sent_round_again_unless_asked(copy: Copy) -> None:
    await copy.dead_letter(copy.submissions, [original("s-1")], reason=ce.DLQ_REASON_FAILED)
    args = ("--bootstrap", copy.kafka, "--prefix", copy.prefix, "redrive", "--topic", copy.submissions.name)
    await tool(*args, "--reason", "failed")
    # The service still cannot use it: it dead-letters the redriven record again.
    redriven = [r for r in await read_all(copy.kafka, [copy.submissions.name]) if r.offset == 1]
    await copy.dead_letter_records(copy.submissions, redriven, reason=ce.DLQ_REASON_FAILED, group="intake")

    status, second = await tool(*args, "--reason", "failed")
    assert (status, second.splitlines()[-1]) == (0, "redriven 0, already redriven 1, skipped 0, failed again 1")
    _, listed = await tool("--bootstrap", copy.kafka, "--prefix", copy.prefix, "list")
    assert [line.split("\t")[3] for line in listed.splitlines()] == ["redriven", "failed again"]
    status, forced = await tool(*args, "--reason", "failed", "--again")
    assert (status, forced.splitlines()[-1]) == (0, "redriven 1, already redriven 1, skipped 0, failed again 0")
    assert len(await read_all(copy.kafka, [copy.submissions.name])) == 3


async def test_a_record_two_groups_dead_lettered_goes_back_once(copy: Copy) -> None:
    await copy.dead_letter(copy.decisions, [original("a-1")], reason=ce.DLQ_REASON_FAILED, group="intake")
    [record] = await read_all(copy.kafka, [copy.decisions.name])
    await copy.dead_letter_records(copy.decisions, [record], reason=ce.DLQ_REASON_FAILED, group="notification")

    status, out = await tool("--bootstrap", copy.kafka, "--prefix", copy.prefix, "redrive", "--topic",
                             copy.decisions.name, "--all")  # fmt: skip

    assert (status, out.splitlines()[-1]) == (0, "redriven 2, already redriven 0, skipped 0, failed again 0")
    assert len(await read_all(copy.kafka, [copy.decisions.name])) == 2


async def test_a_dead_letter_cut_to_fit_is_redriven_whole_from_its_original(copy: Copy) -> None:
    big = original("s-1", {"submission_id": "s-1", "attachment": "x" * 40_000})
    await copy.dead_letter(copy.submissions, [big], reason=ce.DLQ_REASON_FAILED, limit=16_384)
    [letter] = await read_all(copy.kafka, [copy.submissions.dlq])
    assert header_map(letter)[ce.DLQ_TRUNCATED_HEADER] == "true"

    status, out = await tool("--bootstrap", copy.kafka, "--prefix", copy.prefix, "redrive", "--topic",
                             copy.submissions.name, "--key", "s-1")  # fmt: skip

    assert (status, out.splitlines()[-1]) == (0, "redriven 1, already redriven 0, skipped 0, failed again 0")
    records = await read_all(copy.kafka, [copy.submissions.name])
    assert [r.value for r in records] == [big[1], big[1]]


async def test_replay_moves_the_groups_offsets_to_the_first_record_at_or_after_since(copy: Copy) -> None:
    topic, group = copy.submissions.name, f"{copy.prefix}reporting.{copy.submissions.name}"
    start = datetime.now(UTC) - timedelta(hours=1)
    producer = AIOKafkaProducer(**client_options(), bootstrap_servers=copy.kafka)
    await producer.start()
    for minute in range(6):  # six records on partition 0, a minute apart
        at = int((start + timedelta(minutes=minute)).timestamp() * 1000)
        await producer.send_and_wait(topic, b"{}", key=b"k", partition=0, timestamp_ms=at)
    await producer.stop()
    await commit(copy.kafka, group, {TopicPartition(topic, 0): 6})

    status, out = await tool("--bootstrap", copy.kafka, "replay", "--topic", topic, "--group", group,
                             "--since", (start + timedelta(minutes=3, seconds=30)).isoformat())  # fmt: skip

    assert status == 0
    assert f"{topic}:0\tmoved 6 -> 4\t2 to read" in out
    assert f"{topic}:1\tmoved none -> 0\t0 to read" in out
    assert (await committed(copy.kafka, group))[TopicPartition(topic, 0)] == 4


async def test_replay_refuses_while_the_group_has_members(copy: Copy) -> None:
    topic, group = copy.submissions.name, f"{copy.prefix}reporting.{copy.submissions.name}"
    await commit(copy.kafka, group, {TopicPartition(topic, 0): 0})
    member = AIOKafkaConsumer(
        topic, bootstrap_servers=copy.kafka, group_id=group, enable_auto_commit=False, **client_options()
    )
    await member.start()
    try:
        await member.getmany(timeout_ms=3000)  # joined and assigned
        status, out = await tool("--bootstrap", copy.kafka, "replay", "--topic", topic, "--group", group,
                                 "--since", "2020-01-01T00:00:00")  # fmt: skip
    finally:
        await member.stop()

    assert status == 1
    assert out.startswith(f"refused: group {group} is Stable with 1 member(s)")


async def test_the_tool_runs_as_a_module(copy: Copy) -> None:
    await copy.dead_letter(copy.submissions, [original("s-1")], reason=ce.DLQ_REASON_FAILED)
    env = {**os.environ, "KAFKA_BOOTSTRAP_SERVERS": copy.kafka}

    done = subprocess.run(  # noqa: ASYNC221 - one short run of the command as an operator types it
        [sys.executable, "-m", "ops.deadletters", "--prefix", copy.prefix, "count"],
        env=env, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip

    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == "total\t1\tredriven 0"


async def commit(kafka: str, group: str, offsets: dict[TopicPartition, int]) -> None:
    consumer = AIOKafkaConsumer(**client_options(), bootstrap_servers=kafka, group_id=group, enable_auto_commit=False)
    await consumer.start()
    consumer.assign(list(offsets))
    await consumer.commit(offsets)
    await consumer.stop()


async def committed(kafka: str, group: str) -> dict[TopicPartition, int]:
    admin = AIOKafkaAdminClient(**client_options(), bootstrap_servers=kafka)
    await admin.start()
    try:
        return {tp: meta.offset for tp, meta in (await admin.list_consumer_group_offsets(group)).items()}
    finally:
        await admin.close()

"""Dead letters and replay, from the command line.

    python -m ops.deadletters count   [--topic T] [selection]
    python -m ops.deadletters list    [--topic T] [selection] [--unmask]
    python -m ops.deadletters show    <dead-letter topic>:<partition>:<offset> [--unmask]
    python -m ops.deadletters redrive --topic T (selection | --all) [--dry-run]
    python -m ops.deadletters replay  --topic T --group G --since TIME [--dry-run]

selection: --reason R, --key K, --group G, --since TIME, --until TIME (ISO 8601; without
an offset, UTC). --topic names a source topic or its `.dlq`, and may be repeated.
Reads KAFKA_BOOTSTRAP_SERVERS (or --bootstrap). Walked through in docs/operations.md.
"""

import argparse
import asyncio
import os
import sys
from collections import Counter
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import TextIO

from chassis.redaction import redact_text
from contracts.topics import DLQ_SUFFIX
from ops.ledger import Ledger
from ops.letters import Letter, Selection, masked, render_value
from ops.reading import dead_letter_topics, read_all, read_one
from ops.redrive import redrive
from ops.replay import GroupRunning, replay

_ERROR_WIDTH = 120


def moment(text: str) -> datetime:
    value = datetime.fromisoformat(text)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="python -m ops.deadletters", description=__doc__.split("\n")[0])
    root.add_argument("--bootstrap", default=os.environ.get("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092"))
    root.add_argument("--prefix", default="", help="only topics starting with this (an isolated copy's prefix)")
    commands = root.add_subparsers(dest="command", required=True)
    for name in ("count", "list", "redrive"):
        command = commands.add_parser(name)
        command.add_argument("--topic", action="append", default=[], help="source topic or its .dlq; repeatable")
        command.add_argument("--reason")
        command.add_argument("--key")
        command.add_argument("--group", help="the consumer group that dead-lettered it")
        command.add_argument("--since", type=moment, help="dead-lettered at or after")
        command.add_argument("--until", type=moment, help="dead-lettered before")
    commands.choices["list"].add_argument("--unmask", action="store_true", help="show personal data")
    commands.choices["redrive"].add_argument("--all", action="store_true", help="every dead letter of the topics")
    commands.choices["redrive"].add_argument("--dry-run", action="store_true")
    commands.choices["redrive"].add_argument(
        "--again", action="store_true", help="also those whose record failed again after an earlier redrive"
    )
    show = commands.add_parser("show")
    show.add_argument("ref", help="<dead-letter topic>:<partition>:<offset>, as list prints it")
    show.add_argument("--unmask", action="store_true", help="show personal data")
    again = commands.add_parser("replay")
    again.add_argument("--topic", required=True)
    again.add_argument("--group", required=True)
    again.add_argument("--since", type=moment, required=True)
    again.add_argument("--dry-run", action="store_true")
    return root


async def run(argv: Sequence[str], out: TextIO = sys.stdout) -> int:
    """Runs one command; returns the exit status (1: refused or nothing to act on)."""
    args = parser().parse_args(argv)
    ledger = Ledger(args.bootstrap, args.prefix, int(os.environ.get("TOPIC_REPLICATION_FACTOR", "1")))
    if args.command == "show":
        return await _show(args, out)
    if args.command == "replay":
        return await _replay(args, out)
    selection = Selection(args.reason, args.key, args.group, args.since, args.until)
    topics = [t if t.endswith(DLQ_SUFFIX) else t + DLQ_SUFFIX for t in args.topic]
    topics = topics or await dead_letter_topics(args.bootstrap, args.prefix)
    if args.command == "redrive":
        return await _redrive(args, topics, selection, ledger, out)
    letters = [letter for r in await read_all(args.bootstrap, topics) if (letter := Letter.of(r)) in selection]
    marks = await ledger.marks()
    if args.command == "count":
        counts = Counter((lt.record.topic, lt.reason) for lt in letters)
        redriven = Counter((lt.record.topic, lt.reason) for lt in letters if lt.ref in marks)
        for (topic, reason), n in sorted(counts.items()):
            print(f"{topic}\t{reason}\t{n}\tredriven {redriven[(topic, reason)]}", file=out)
        print(f"total\t{len(letters)}\tredriven {sum(redriven.values())}", file=out)
        return 0
    for lt in letters:
        error = masked(lt.headers.get("dlq_error", ""), args.unmask)[:_ERROR_WIDTH]
        state = "redriven" if lt.ref in marks else "failed again" if lt.redriven_from else "waiting"
        print(
            f"{lt.ref}\t{lt.at.isoformat(timespec='seconds')}\t{lt.reason}\t{state}\tgroup={lt.group}"
            f"\tkey={masked(lt.key, args.unmask)}\tsource={lt.source_ref}\terror={error}",
            file=out,
        )
    return 0


async def _show(args: argparse.Namespace, out: TextIO) -> int:
    topic, partition, offset = args.ref.rsplit(":", 2)
    record = await read_one(args.bootstrap, topic, int(partition), int(offset))
    if record is None:
        print(f"no record at {args.ref}", file=out)
        return 1
    lt = Letter.of(record)
    print(f"dead letter  {lt.ref}, {lt.at.isoformat()}", file=out)
    print(f"reason       {lt.reason}  (group {lt.group}, attempts {lt.headers.get('dlq_attempts', '?')})", file=out)
    print(f"error        {masked(lt.headers.get('dlq_error', ''), args.unmask)}", file=out)
    print(f"original     {lt.source_ref}{'  (value cut to fit)' if lt.truncated else ''}", file=out)
    print(f"key          {masked(lt.key, args.unmask)}", file=out)
    print("headers", file=out)
    for name, value in lt.headers.items():
        print(f"  {name}: {value if args.unmask else redact_text(value)}", file=out)
    print("value", file=out)
    print(render_value(record.value, args.unmask), file=out)
    return 0


async def _redrive(
    args: argparse.Namespace, topics: list[str], selection: Selection, ledger: Ledger, out: TextIO
) -> int:
    if not args.topic or not (selection.narrowed or args.all):
        print("redrive needs --topic and a selection (--reason, --key, --group, --since, --until) or --all", file=out)
        return 1
    report = await redrive(args.bootstrap, topics, selection, ledger, dry_run=args.dry_run, again=args.again)
    verb = "would redrive" if args.dry_run else "redriven"
    for ref, to in report.redriven:
        print(f"{verb}\t{ref}\t-> {to}", file=out)
    for ref, why in report.skipped:
        print(f"skipped\t{ref}\t{why}", file=out)
    for ref, earlier in report.failed_again:
        print(f"failed again\t{ref}\tafter the redrive of {earlier} (--again redrives it once more)", file=out)
    print(
        f"{verb} {len(report.redriven)}, already redriven {len(report.already)}, skipped {len(report.skipped)}, "
        f"failed again {len(report.failed_again)}",
        file=out,
    )
    return 0


async def _replay(args: argparse.Namespace, out: TextIO) -> int:
    try:
        moves = await replay(args.bootstrap, args.topic, args.group, args.since, dry_run=args.dry_run)
    except GroupRunning as refused:
        print(f"refused: {refused}; stop its consumers first", file=out)
        return 1
    verb = "would move" if args.dry_run else "moved"
    for m in moves:
        before = "none" if m.committed is None else m.committed
        print(f"{args.topic}:{m.partition}\t{verb} {before} -> {m.to}\t{m.to_read} to read", file=out)
    return 0


def main() -> None:
    sys.exit(asyncio.run(run(sys.argv[1:])))


if __name__ == "__main__":
    main()

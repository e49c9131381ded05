"""Latency of the HTTP path at a steady rate: submission → 202, and submission → acceptance e-mail.

    uv run python bench/latency.py [--rate 100 --seconds 60 --workers 4 --clients 80] [--port-offset 0]

Open loop, as organisations' systems submit: application i is due at start + i/rate
whatever became of the ones before it, so a slow answer never holds a send back and
latencies are measured from when a request was due (a queue in the generator counts
against the system, as it would for the organisation). The sends are spread over
`--workers` processes, each with its own HTTP client and its share of `--clients`
connections: one client with a thousand requests in flight spends ~16 ms of CPU per
request and cannot keep 100/s. Bodies and tokens are made before the clock starts.

The stack is the system benchmark's (`bench/system.py`): its own servers on
`--port-offset`, the organisations' approvals granted first, the four services as
separate processes. An application's acceptance e-mail is the first message of kind
`application_accepted` in the SMTP sink's folder whose text names its provisional
number; the time it was stored is the file's modification time. Every fifth sample
application is not eligible and gets no acceptance e-mail.
"""

import argparse
import asyncio
import email
import email.policy
import json
import multiprocessing
import os
import re
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import httpx
from aiokafka.errors import KafkaError

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._kafka import produce_events
from bench._samples import ORGANISATIONS, STAFF_PER_ORGANISATION, application, approval, eligible, organisation, staff
from bench._stack import Stack
from bench.system import stack, wait_drained
from chassis.provision import provision
from contracts.topics import BUREAU_APPROVAL_GRANTED
from services.intake.tokens import issue

SECRET = "latency-bench-secret-of-at-least-thirty-two-bytes"
PROVISIONAL = re.compile(r"P-\d{8}-\d{8}")
ACCEPTED_KIND = "+application_accepted@"
JSON = {"Content-Type": "application/json"}
TIMEOUT = httpx.Timeout(120, pool=None)
"""No limit on waiting for a free connection: a send queued in the generator is latency, not an error."""
Answer = tuple[int, float, float, int, str]
"""(application, due at, answered at, HTTP status, provisional number or error name); times are epoch seconds."""


@dataclass(frozen=True)
class Plan:
    base_url: str
    rate: float
    count: int
    workers: int
    connections: int
    start: Any
    """A shared double: the wall-clock (epoch) time application 0 is due, set once every worker is ready."""
    ready: Any
    """A barrier of the workers and the parent: bodies and tokens are made before the clock starts."""


def token(i: int) -> str:
    claims = {
        "sub": staff(i),
        "org": organisation(i),
        "category": "organisation_staff",
        "name": "担当 太郎",
        "email": f"{staff(i)}@example.co.jp",
        "iss": "residence-online",
        "aud": "intake",
    }
    return issue(claims, secret=SECRET, ttl=3600)


def body(i: int, now: datetime) -> bytes:
    sample = application(i, now)
    filer = {"intermediary_id": sample.filer.intermediary_id}
    dumped = sample.model_dump(mode="json", include={"submission_id", "applicant", "form"})
    return json.dumps({**dumped, "filer": filer}).encode()


def worker(plan: Plan, index: int, results: Any) -> None:
    """One process: sends applications index, index + workers, ... each at its due time."""
    results.put(asyncio.run(_send_share(plan, index)))


async def _send_share(plan: Plan, index: int) -> list[Answer]:
    now = datetime.now(UTC)
    mine = range(index, plan.count, plan.workers)
    filers = ORGANISATIONS * STAFF_PER_ORGANISATION  # i and i % filers name the same filer (`staff`)
    tokens = {k: token(k) for k in {i % filers for i in mine}}
    prepared = {i: (body(i, now), {"Authorization": f"Bearer {tokens[i % filers]}", **JSON}) for i in mine}
    limits = httpx.Limits(max_connections=plan.connections, max_keepalive_connections=plan.connections)
    answers: list[Answer] = []
    async with httpx.AsyncClient(base_url=plan.base_url, limits=limits, timeout=TIMEOUT) as client:

        async def send(i: int, due: float) -> None:
            content, headers = prepared[i]
            try:
                response = await client.post("/v1/applications", content=content, headers=headers)
                number = response.json().get("provisional_number", "") if response.status_code == 202 else ""
                answers.append((i, due, time.time(), response.status_code, number))
            except httpx.HTTPError as error:
                answers.append((i, due, time.time(), 0, type(error).__name__))

        plan.ready.wait()  # the parent sets the start, then
        plan.ready.wait()
        tasks = []
        for i in mine:
            due = plan.start.value + i / plan.rate
            if (delay := due - time.time()) > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.create_task(send(i, due)))
        await asyncio.gather(*tasks)
    return answers


def acceptances(directory: Path, read: dict[str, float | None]) -> dict[str, float]:
    """Provisional number → when its first acceptance e-mail was stored; `read` remembers files seen."""
    found: dict[str, float] = {}
    for path in directory.glob("*.eml") if directory.is_dir() else ():
        if path.name in read:
            continue
        raw = path.read_bytes()
        head = raw.split(b"\r\n\r\n", 1)[0]
        if ACCEPTED_KIND.encode() not in head:
            read[path.name] = None
            continue
        message = email.message_from_bytes(raw, policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        part = message.get_body(preferencelist=("plain",))
        text = part.get_content() if isinstance(part, EmailMessage) else ""
        stored = path.stat().st_mtime
        read[path.name] = stored
        for number in set(PROVISIONAL.findall(text)):
            found[number] = min(stored, found.get(number, stored))
    return found


def percentiles(values: list[float]) -> str:
    if not values:
        return "none"
    ordered = sorted(values)

    def at(q: float) -> float:
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))]

    return f"p50 {at(0.50):7.3f} s   p95 {at(0.95):7.3f} s   p99 {at(0.99):7.3f} s   max {ordered[-1]:7.3f} s"


async def prepare(system: Stack) -> None:
    """Topics, the organisations' approvals, the services, and the approvals through to eligibility."""
    await provision(system.bootstrap)
    today = datetime.now(UTC).date()
    for attempt in range(5):  # a broker just started on a busy machine may not have elected its leaders yet
        try:
            grants = (approval(n, today) for n in range(ORGANISATIONS))
            await produce_events(BUREAU_APPROVAL_GRANTED, grants, system.bootstrap)
            break
        except KafkaError:
            if attempt == 4:
                raise
            await asyncio.sleep(10)
    system.services("start")
    await wait_drained(system, 1, {"reporting.approval-changed.v1": ORGANISATIONS}, 180)


def load(plan: Plan) -> list[Answer]:
    results: Any = multiprocessing.get_context("fork").Queue()
    processes = [
        multiprocessing.get_context("fork").Process(target=worker, args=(plan, n, results)) for n in range(plan.workers)
    ]
    for process in processes:
        process.start()
    plan.ready.wait()
    plan.start.value = time.time() + 1
    plan.ready.wait()
    answers: list[Answer] = [a for _ in processes for a in results.get()]
    for process in processes:
        process.join()
    return answers


async def wait_for_mail(system: Stack, wanted: set[str], timeout: float) -> dict[str, float]:
    read: dict[str, float | None] = {}
    stored: dict[str, float] = {}
    deadline = time.time() + timeout
    while time.time() < deadline:
        stored.update(acceptances(system.messages, read))
        if wanted <= stored.keys():
            break
        await asyncio.sleep(1)
    return stored


def report(plan: Plan, answers: list[Answer], stored: dict[str, float]) -> None:
    accepted = [a for a in answers if a[3] == 202]
    statuses: dict[int, int] = {}
    for answer in answers:
        statuses[answer[3]] = statuses.get(answer[3], 0) + 1
    last_answer = max(a[2] for a in answers)
    mails = [stored[a[4]] - a[1] for a in accepted if a[4] in stored]
    expected = [a for a in accepted if eligible(a[0])]
    first, last = min(stored.values(), default=0.0), max(stored.values(), default=0.0)
    print(f"offered rate          {plan.rate:8.1f} /s over {plan.count / plan.rate:.0f} s ({plan.count} applications)")
    answered = len(answers) / (last_answer - plan.start.value)
    errors = " ".join(sorted({a[4] for a in answers if a[3] == 0}))
    print(f"answered rate         {answered:8.1f} /s; HTTP statuses {statuses} (0: {errors or 'none'})")
    print(f"HTTP 202              {percentiles([a[2] - a[1] for a in accepted])}")
    print(f"  first/last 10 s     p50 {_window(accepted, plan, 0):.3f} s / {_window(accepted, plan, -1):.3f} s")
    print(f"acceptance e-mail     {percentiles(mails)}")
    print(f"acceptance e-mails    {len(mails)} of {len(expected)} expected")
    if len(mails) > 1 and last > first:
        print(f"acceptance e-mails/s  {(len(mails) - 1) / (last - first):8.1f}")


def _window(accepted: list[Answer], plan: Plan, which: int) -> float:
    """p50 of the 202 latency of the first (0) or last (-1) ten seconds' sends."""
    span = plan.count / plan.rate
    low, high = (0.0, 10.0) if which == 0 else (span - 10, span)
    picked = sorted(a[2] - a[1] for a in accepted if low <= a[1] - plan.start.value < high)
    return picked[len(picked) // 2] if picked else float("nan")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rate", type=float, default=100.0, help="applications per second, on a fixed schedule")
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--workers", type=int, default=4, help="sending processes")
    parser.add_argument("--clients", type=int, default=80, help="HTTP connections, over all workers")
    parser.add_argument("--mail-timeout", type=float, default=300.0, help="how long to wait for the last e-mail")
    parser.add_argument("--port-offset", type=int, default=0, help="added to every port (default 0)")
    args = parser.parse_args()
    os.environ["JWT_SECRET"] = SECRET  # the stack's services verify the generator's tokens with it
    system = stack(args.port_offset)
    system.fresh()
    try:
        system.servers("start")
        asyncio.run(prepare(system))
        count = int(args.rate * args.seconds)
        base_url = f"http://127.0.0.1:{system.http_port}"
        connections = max(1, args.clients // args.workers)
        forks = multiprocessing.get_context("fork")
        start, ready = forks.Value("d", 0.0), forks.Barrier(args.workers + 1)
        plan = Plan(base_url, args.rate, count, args.workers, connections, start, ready)
        answers = load(plan)
        wanted = {a[4] for a in answers if a[3] == 202 and eligible(a[0])}
        stored = asyncio.run(wait_for_mail(system, wanted, args.mail_timeout))
    finally:
        system.down()
    report(plan, answers, stored)


if __name__ == "__main__":
    main()

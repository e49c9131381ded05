"""The steady load of a fault run: approvals first, then submissions at a fixed rate, and an examination system.

Why a rate and not a burst: a fault has to land on work in flight in every service, and
a burst would be through intake before the fault starts. The examiner plays the upstream
examination system: it reads intake's acceptances and publishes one granted DecisionMade
for each (by post or at the counter, alternately), so every eligible application goes
the whole way and its notices all depend on every service. Each record the harness
publishes has a fixed event id, so one sent twice during an outage is a redelivery the
services must recognise, not new work; and what the run should end with (statuses,
notices per kind) follows from what was published.
"""

import asyncio
from collections import Counter
from datetime import UTC, datetime, timedelta

from bench._resilient import Publisher, Tail
from bench._samples import ORGANISATIONS, application, approval, eligible
from chassis.cloudevents import Outgoing, encode
from contracts.application import ReceiptMethod
from contracts.base import Payload
from contracts.examination import DecisionMade, Outcome
from contracts.intake import ApplicationAccepted, ApplicationStatus
from contracts.topics import BUREAU_APPROVAL_GRANTED, EXAMINATION_DECISION_MADE, PORTAL_APPLICATION_SUBMITTED, Topic
from services.intake.domain.numbering import application_id_for
from services.notification.domain.model import NoticeKind

RECEIPT_METHODS = (ReceiptMethod.POST, ReceiptMethod.COUNTER)
DECISION_NOTICE = {ReceiptMethod.POST: NoticeKind.DECISION_POST, ReceiptMethod.COUNTER: NoticeKind.DECISION_COUNTER}


class Load:
    def __init__(self, publisher: Publisher, bootstrap: str, applications: int, rate: float) -> None:
        self.publisher = publisher
        self.bootstrap = bootstrap
        self.rate = rate
        self.now = datetime.now(UTC)
        self.applications = [application(i, self.now) for i in range(applications)]
        self.ids = [application_id_for(a.submission_id, a.filer.filer_id) for a in self.applications]
        self.index = {application_id: i for i, application_id in enumerate(self.ids)}
        self.handed_over = 0
        """Submissions given to the producer so far (the pace); `acknowledged` counts those the broker has."""
        self.acknowledged = 0
        self.decided: set[str] = set()
        """Applications a decision was published for, by the examiner or ahead of time by a fault."""
        self.documents_requested: set[str] = set()
        self._decisions: set[asyncio.Task[object]] = set()

    async def publish(self, topic: Topic, payload: Payload, event_id: str) -> tuple[int, int]:
        """(partition, offset) of the record once acknowledged."""
        key, value, attrs = encode(Outgoing(topic, payload, event_id, self.now), "/bench")
        meta = await self.publisher.send(topic.name, key, value, [(k, v.encode()) for k, v in attrs.items()])
        return int(meta.partition), int(meta.offset)

    async def grant_approvals(self) -> None:
        await asyncio.gather(
            *(
                self.publish(BUREAU_APPROVAL_GRANTED, approval(n, self.now.date()), f"bench-approval-{n}")
                for n in range(ORGANISATIONS)
            )
        )

    async def submit(self) -> None:
        """Hands one submission a 1/rate s to the producer; an outage delays acknowledgements, not the pace."""
        loop = asyncio.get_running_loop()
        started = loop.time()

        async def one(i: int) -> None:
            await self.publish(PORTAL_APPLICATION_SUBMITTED, self.applications[i], f"bench-submission-{i}")
            self.acknowledged += 1

        sending = []
        for i in range(len(self.applications)):
            await asyncio.sleep(max(0.0, started + i / self.rate - loop.time()))
            sending.append(asyncio.create_task(one(i)))
            self.handed_over = i + 1
        await asyncio.gather(*sending)

    async def examine(self) -> None:
        """Until cancelled: one decision per application intake accepts, unless one was published already."""
        tail = Tail(self.bootstrap, "intake.application-accepted.v1")
        try:
            while True:
                for record in await tail.poll():
                    accepted = ApplicationAccepted.model_validate_json(record.value)
                    if accepted.application_id in self.index and accepted.application_id not in self.decided:
                        self.decide(accepted.application_id, accepted.receipt_number)
        finally:
            await tail.close()
            for task in self._decisions:
                task.cancel()

    def decide(self, application_id: str, receipt_number: str) -> None:
        """Publishes the application's decision in the background (the examiner reads on meanwhile)."""
        self.decided.add(application_id)
        task = asyncio.create_task(
            self.publish(
                EXAMINATION_DECISION_MADE, self.decision(application_id, receipt_number), f"decision-{application_id}"
            )
        )
        self._decisions.add(task)
        task.add_done_callback(self._decisions.discard)

    @property
    def deciding(self) -> int:
        """Decisions published but not acknowledged yet."""
        return len(self._decisions)

    def decision(self, application_id: str, receipt_number: str) -> DecisionMade:
        method = RECEIPT_METHODS[self.index[application_id] % 2]
        today = self.now.date()
        deadline = today + timedelta(days=30) if method is ReceiptMethod.COUNTER else None
        return DecisionMade(
            application_id=application_id,
            receipt_number=receipt_number,
            outcome=Outcome.GRANTED,
            decided_on=today,
            receipt_method=method,
            collection_deadline=deadline,
        )

    def expected_statuses(self) -> dict[str, ApplicationStatus]:
        return {
            application_id: ApplicationStatus.GRANTED if eligible(i) else ApplicationStatus.NOT_ELIGIBLE
            for i, application_id in enumerate(self.ids)
        }

    def expected_notices(self) -> Counter[str]:
        """Per notice kind: one receipt each, then accepted or not eligible, then one decision notice each."""
        kinds: Counter[str] = Counter({NoticeKind.APPROVAL_GRANTED: ORGANISATIONS})
        for i in range(len(self.ids)):
            kinds[NoticeKind.SUBMISSION_RECEIVED] += 1
            if eligible(i):
                kinds[NoticeKind.APPLICATION_ACCEPTED] += 1
                kinds[DECISION_NOTICE[RECEIPT_METHODS[i % 2]]] += 1
            else:
                kinds[NoticeKind.NOT_ELIGIBLE] += 1
        kinds[NoticeKind.DOCUMENTS_REQUESTED] += len(self.documents_requested)
        return Counter({str(kind): n for kind, n in kinds.items() if n})  # plain names, as Message-IDs give them

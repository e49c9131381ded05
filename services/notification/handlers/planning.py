"""From a batch of consumed events to the notices they call for, keeping the contacts projection.

Examination events name only the application; who to write to comes from intake's
events, which arrive on other topics and so in no fixed order relative to them. The
projection keeps the receipt and the acceptance apart (each its own field, written
on its own), so whichever is projected first, the contact read back is the same,
and two consumers writing them at once cannot undo each other.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TypeGuard

from contracts.application import Language
from contracts.examination import CardDispatched, CoeIssued, DecisionMade, DocumentsRequested
from contracts.intake import ApplicationAccepted, ApplicationReceived, DocumentsSubmittedOnline
from services.notification.domain.contacts import (
    ApplicationContact,
    NoticeContext,
    contact_from_received,
    contact_with_acceptance,
)
from services.notification.domain.notices import MissingContact, Notice, NoticeKind, plan_notices
from services.notification.domain.plan_documents import DocumentsReminderDue
from services.notification.domain.postage import Tariff
from services.notification.handlers.ports import Contacts, DocumentsRequests, Source, StoredContact

EXAMINATION = (DocumentsRequested, DecisionMade, CoeIssued, CardDispatched)
"""Events about an application under examination: they wait until its acceptance is projected, so that
their notices carry the receipt number (examination only ever follows acceptance)."""


def needs_contact(
    payload: object,
) -> TypeGuard[ApplicationAccepted | DocumentsRequested | DecisionMade | CoeIssued | CardDispatched]:
    """Whether an event's notices read the projection: examination events always; an acceptance only
    if it was published before it carried the filing date itself."""
    if isinstance(payload, ApplicationAccepted):
        return payload.submitted_at is None
    return isinstance(payload, EXAMINATION)


@dataclass
class Plan:
    notices: list[tuple[Notice, Source]] = field(default_factory=list)
    """Each notice once, with the event it came from (an event delivered twice in one batch plans twice)."""
    missing: dict[str, MissingContact] = field(default_factory=dict)
    """By event id: events whose application's contact is not projected yet (they wait, parked)."""
    skipped: int = 0
    requests: list[DocumentsReminderDue] = field(default_factory=list)
    """Documents requests whose notices were planned: kept for their reminders."""


def contact_of(stored: StoredContact) -> ApplicationContact | None:
    if stored.accepted is None:
        return stored.received
    return contact_with_acceptance(stored.received, stored.accepted)


def _contact(event: Source, stored: dict[str, StoredContact]) -> ApplicationContact | None:
    payload = event.payload
    found = stored.get(payload.application_id) if needs_contact(payload) else None
    if found is None or (isinstance(payload, EXAMINATION) and found.accepted is None):
        return None
    return contact_of(found)


class Planner:
    def __init__(
        self,
        contacts: Contacts,
        tariff: Tariff,
        organisation_language: Language,
        requests: DocumentsRequests | None = None,
    ) -> None:
        self._contacts = contacts
        self._requests = requests
        # Validated once: a context made per event would validate the whole tariff again each time.
        self._context = NoticeContext(tariff=tariff, organisation_language=organisation_language)

    async def plan(self, events: Sequence[Source]) -> Plan:
        await self._project(events)
        receipts = {e.payload.application_id for e in events if needs_contact(e.payload)}
        acceptances = {e.payload.application_id for e in events if isinstance(e.payload, EXAMINATION)}
        stored = await self._contacts.find(receipts, acceptances) if receipts else {}
        plan, seen = Plan(), set()
        for event in events:
            contact = _contact(event, stored)
            context = self._context if contact is None else self._context.model_copy(update={"contact": contact})
            result = plan_notices(event.payload, event.event_id, context)
            if isinstance(result, MissingContact):
                plan.missing[event.event_id] = result
                continue
            plan.skipped += not result.notices
            plan.requests += [_request(event, n) for n in result.notices if n.kind is NoticeKind.DOCUMENTS_REQUESTED]
            for notice in result.notices:
                if notice.notice_id not in seen:
                    seen.add(notice.notice_id)
                    plan.notices.append((notice, event))
        if self._requests is not None and plan.requests:
            # Kept before anything is sent: a request whose notice went out can always be reminded of.
            await self._requests.record_requests(plan.requests)
        return plan

    async def _project(self, events: Sequence[Source]) -> None:
        received = [contact_from_received(e.payload) for e in events if isinstance(e.payload, ApplicationReceived)]
        accepted = [e.payload for e in events if isinstance(e.payload, ApplicationAccepted)]
        if received:
            await self._contacts.record_received(received)
        if accepted:
            await self._contacts.record_accepted(accepted)
        answers = [(e.event_id, e.payload) for e in events if isinstance(e.payload, DocumentsSubmittedOnline)]
        if self._requests is not None and answers:
            await self._requests.record_answers([(i, a.application_id, a.requested_at) for i, a in answers])


def _request(event: Source, notice: Notice) -> DocumentsReminderDue:
    payload = event.payload
    assert isinstance(payload, DocumentsRequested), "only a documents request plans its notice"
    return DocumentsReminderDue(
        request_event_id=event.event_id,
        application_id=payload.application_id,
        requested_at=payload.requested_at,
        due_on=payload.due_on,
        requested_notice=notice,
    )

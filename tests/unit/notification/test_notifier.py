"""The notifier over fakes: each notice e-mailed at most once, its outcome published, failures sorted."""

import asyncio
import dataclasses
from collections.abc import Collection

import pytest

from chassis.errors import TransientError
from contracts.notification import NoticeFailed, NoticeSent
from contracts.organisations import ApprovalChange
from services.notification.adapters.mail.render import Renderer
from services.notification.domain.postage import Tariff
from services.notification.handlers.leftovers import UnusableEventId
from services.notification.handlers.outcomes import outcome_event, outcome_event_id
from services.notification.handlers.planning import contact_of
from services.notification.handlers.ports import EventsWaiting, State, StoredContact, TemporaryFailure

from .notifier_fakes import NOW, Wiring, source, wire
from .samples import (
    accepted,
    accepted_with_its_dates,
    approval_changed,
    decision,
    documents_requested,
    not_eligible,
    received,
)

FILER = "hanako@example.co.jp"


@pytest.fixture
def w(renderer: Renderer, tariff: Tariff) -> Wiring:
    return wire(renderer, tariff)


async def test_a_new_notice_is_claimed_sent_settled_and_its_sent_event_published(w: Wiring) -> None:
    await w.handle(source(accepted(), "evt-acc"))

    (mail,) = w.mailer.sent
    assert mail.recipients == (FILER, "an@example.com")
    assert mail.sender == "noreply@example.go.jp"
    (entry,) = w.ledger.entries.values()
    assert (entry.notice_id, entry.state, entry.attempts) == ("evt-acc:application_accepted", State.SENT, 1)
    assert entry.message_id == "<evt-acc+application_accepted@notice.example.go.jp>"
    assert w.mailer.messages()[0]["Message-ID"] == entry.message_id
    (published,) = w.outcomes.published
    event = outcome_event(published)
    assert isinstance(event, NoticeSent)
    assert (event.recipient_count, event.sent_at, event.source_event_id) == (2, NOW, "evt-acc")
    assert outcome_event_id(published.notice_id, published.state) == "evt-acc:application_accepted:sent"
    assert published.correlation_id == "corr-1"


async def test_each_outcome_is_recorded_once_its_message_is_handed_before_the_server_answers(w: Wiring) -> None:
    """The server may take a message once it has its last line, answer or not (RFC 1047): a crash while
    the answer is awaited must not send it again, so it is in the ledger by then."""
    slow = asyncio.Event()
    w.mailer.held["evt-slow:submission_received"] = slow
    handling = asyncio.create_task(w.handle(source(received(), "evt-fast"), source(received(), "evt-slow")))

    assert await _recorded(w, "evt-fast:submission_received")
    assert await _recorded(w, "evt-slow:submission_received")
    assert not handling.done()  # the slow answer has not come
    slow.set()
    await handling
    assert w.ledger.entries["evt-slow:submission_received"].state is State.SENT
    assert len(w.mailer.sent) == 2


async def test_a_message_refused_at_its_end_is_recorded_failed_in_place_of_sent(w: Wiring) -> None:
    w.mailer.permanent.add(FILER)
    w.mailer.at_end.add(FILER)
    await w.handle(source(not_eligible(), "evt-ne"))

    (entry,) = w.ledger.entries.values()
    assert (entry.state, entry.attempts, entry.reason) == (State.FAILED, 1, "550 5.1.1 [address] no such user")
    (published,) = w.outcomes.published
    assert isinstance(outcome_event(published), NoticeFailed)
    assert [r.source_event_id for r in w.rejections.rejected] == ["evt-ne"]
    assert w.mailer.sent == []


async def test_a_message_put_off_at_its_end_is_pending_again_and_sent_once_later(w: Wiring) -> None:
    w.mailer.temporary.add(FILER)
    w.mailer.at_end.add(FILER)
    with pytest.raises(TemporaryFailure):
        await w.handle(source(not_eligible(), "evt-ne"))
    (entry,) = w.ledger.entries.values()
    assert (entry.state, entry.attempts) == (State.PENDING, 1)
    assert w.outcomes.published == []

    w.mailer.temporary.clear()
    await w.handle(source(not_eligible(), "evt-ne"))
    assert len(w.mailer.sent) == 1
    assert (w.ledger.entries[entry.notice_id].state, w.ledger.entries[entry.notice_id].attempts) == (State.SENT, 2)


async def _recorded(w: Wiring, notice_id: str) -> bool:
    for _ in range(5000):
        entry = w.ledger.entries.get(notice_id)
        if entry is not None and entry.state is State.SENT:
            return True
        await asyncio.sleep(0.001)
    return False


async def test_a_redelivered_event_sends_nothing_and_republishes_the_same_outcome(w: Wiring) -> None:
    await w.handle(source(accepted(), "evt-acc"))
    w.clock.set(NOW.replace(hour=9))
    await w.handle(source(accepted(), "evt-acc"))

    assert len(w.mailer.sent) == 1
    first, again = w.outcomes.published
    assert first == again
    assert outcome_event(first) == outcome_event(again)


async def test_an_event_twice_in_one_batch_is_sent_once(w: Wiring) -> None:
    await w.handle(source(not_eligible(), "evt-ne"), source(not_eligible(), "evt-ne"))
    assert len(w.mailer.sent) == 1
    assert len(w.outcomes.published) == 1


async def test_a_pending_entry_left_by_a_crash_is_sent_again_with_the_same_message_id(w: Wiring) -> None:
    await w.handle(source(not_eligible(), "evt-ne"))
    (entry,) = w.ledger.entries.values()
    w.ledger.entries[entry.notice_id] = dataclasses.replace(entry, state=State.PENDING, settled_at=None)
    await w.handle(source(not_eligible(), "evt-ne"))

    first, second = w.mailer.messages()
    assert first["Message-ID"] == second["Message-ID"]
    assert w.ledger.entries[entry.notice_id].state is State.SENT


async def test_a_permanent_refusal_is_recorded_published_and_dead_lettered_without_retry(w: Wiring) -> None:
    w.mailer.permanent.add(FILER)
    await w.handle(source(not_eligible(), "evt-ne"))

    (entry,) = w.ledger.entries.values()
    assert (entry.state, entry.attempts) == (State.FAILED, 1)
    event = outcome_event(w.outcomes.published[0])
    assert isinstance(event, NoticeFailed)
    assert event.reason == "550 5.1.1 [address] no such user"
    assert [(r.source_event_id, r.reason) for r in w.rejections.rejected] == [("evt-ne", event.reason)]

    await w.handle(source(not_eligible(), "evt-ne"))  # redelivered: the failure is told again, not retried
    assert len(w.outcomes.published) == 2
    assert len(w.rejections.rejected) == 1
    assert w.ledger.entries[entry.notice_id].attempts == 1


async def test_a_temporary_failure_is_retried_after_the_rest_of_the_batch_is_settled(w: Wiring) -> None:
    await w.handle(source(received(), "evt-rec"), source(accepted(), "evt-acc"))
    w.mailer.sent.clear()
    w.outcomes.published.clear()
    w.mailer.temporary.add(FILER)
    other = approval_changed(ApprovalChange.REMINDER_DUE)
    with pytest.raises(TemporaryFailure, match="1 notice"):
        await w.handle(source(documents_requested(), "evt-doc"), source(other, "evt-apv"))

    assert [e.state for e in w.outcomes.published] == [State.SENT]  # the approval notice went out
    pending = w.ledger.entries["evt-doc:documents_requested"]
    assert (pending.state, pending.attempts) == (State.PENDING, 1)

    w.mailer.temporary.clear()
    await w.handle(source(documents_requested(), "evt-doc"), source(other, "evt-apv"))
    assert len(w.mailer.sent) == 2  # one each, the approval notice not again
    assert w.ledger.entries["evt-doc:documents_requested"].attempts == 2


async def test_an_examination_event_before_its_contact_waits_alone_while_its_neighbours_are_sent(w: Wiring) -> None:
    with pytest.raises(EventsWaiting) as waiting:
        await w.handle(source(decision(), "evt-dec"), source(approval_changed(ApprovalChange.LAPSED), "evt-apv"))
    assert waiting.value.waiting == {
        "evt-dec": "the acceptance of application app-0001 (DecisionMade needs its contact)"
    }
    # Its neighbour was sent, recorded and published before anything was raised.
    assert [m.notice_id for m in w.mailer.sent] == ["evt-apv:approval_lapsed"]
    assert [(e.notice_id, e.state) for e in w.outcomes.published] == [("evt-apv:approval_lapsed", State.SENT)]
    assert "evt-dec:decision_post" not in w.ledger.entries

    await w.handle(source(accepted(), "evt-acc"))
    await w.handle(source(decision(), "evt-dec"))  # handed back by the chassis once parked
    assert [m.notice_id for m in w.mailer.sent][-1] == "evt-dec:decision_post"
    assert len(w.mailer.sent) == 3


async def test_an_examination_event_waits_for_the_acceptance_so_its_notice_has_the_receipt_number(w: Wiring) -> None:
    await w.handle(source(received(), "evt-rec"))
    with pytest.raises(EventsWaiting, match="application app-0001"):
        await w.handle(source(documents_requested(), "evt-doc"))
    await w.handle(source(accepted(), "evt-acc"))
    await w.handle(source(documents_requested(), "evt-doc"))
    assert "R-20260512-0042" in str(w.mailer.messages()[-1]["Subject"])


async def test_a_mail_server_away_is_waited_out_before_events_are_parked(w: Wiring) -> None:
    w.mailer.temporary.add("one@example.co.jp")
    with pytest.raises(TemporaryFailure):  # the whole batch is tried again, the waiting event with it
        await w.handle(source(decision(), "evt-dec"), source(approval_changed(ApprovalChange.LAPSED), "evt-apv"))
    w.mailer.temporary.clear()
    with pytest.raises(EventsWaiting) as waiting:
        await w.handle(source(decision(), "evt-dec"), source(approval_changed(ApprovalChange.LAPSED), "evt-apv"))
    assert set(waiting.value.waiting) == {"evt-dec"}
    assert [m.notice_id for m in w.mailer.sent] == ["evt-apv:approval_lapsed"]


async def test_waiting_events_in_several_chunks_are_named_together_after_every_other_is_sent(w: Wiring) -> None:
    events = [
        source(not_eligible().model_copy(update={"application_id": f"app-{i}"}), f"evt-{i}")
        if i % 50
        else source(decision().model_copy(update={"application_id": f"app-{i}"}), f"evt-{i}")
        for i in range(250)
    ]
    with pytest.raises(EventsWaiting) as waiting:
        await w.handle(*events)
    assert set(waiting.value.waiting) == {"evt-0", "evt-50", "evt-100", "evt-150", "evt-200"}
    assert len(w.mailer.sent) == len(w.outcomes.published) == 245


async def test_the_contact_is_the_same_whichever_intake_event_is_projected_first(
    w: Wiring, renderer: Renderer, tariff: Tariff
) -> None:
    await w.handle(source(accepted(), "evt-acc"))
    await w.handle(source(received(), "evt-rec"))
    late_receipt = dict(w.contacts.stored)
    other = wire(renderer, tariff)
    await other.handle(source(received(), "evt-rec"))
    await other.handle(source(accepted(), "evt-acc"))

    assert contact_of(late_receipt["app-0001"]) == contact_of(other.contacts.stored["app-0001"])
    assert contact_of(late_receipt["app-0001"]).receipt_number == "R-20260512-0042"  # type: ignore[union-attr]


async def test_an_approval_change_without_a_notice_sends_nothing_and_publishes_nothing(w: Wiring) -> None:
    await w.handle(source(approval_changed(ApprovalChange.STAFF_ADDED), "evt-apv"))
    assert w.mailer.sent == []
    assert w.outcomes.published == []


async def test_a_bug_is_raised_after_the_rest_of_the_batch_is_settled(w: Wiring) -> None:
    w.mailer.broken.add("one@example.co.jp")
    with pytest.raises(RuntimeError, match="a bug"):
        await w.handle(source(not_eligible(), "evt-ne"), source(approval_changed(ApprovalChange.LAPSED), "evt-apv"))
    assert [e.notice_id for e in w.outcomes.published] == ["evt-ne:not_eligible"]


async def test_an_event_whose_id_no_notice_sent_could_name_is_refused_before_anything_is_sent(w: Wiring) -> None:
    with pytest.raises(UnusableEventId):
        await w.handle(source(not_eligible(), "evt/with/slashes"))
    assert w.mailer.sent == []
    assert w.ledger.entries == {}


async def test_a_batch_of_several_chunks_sends_each_notice_once_even_when_an_event_repeats_across_them(
    w: Wiring,
) -> None:
    events = [source(not_eligible().model_copy(update={"application_id": f"app-{i}"}), f"evt-{i}") for i in range(250)]
    await w.handle(*events, events[0], events[150])
    assert len(w.mailer.sent) == 250
    assert len({m.notice_id for m in w.mailer.sent}) == 250
    assert len(w.outcomes.published) == 250


async def test_an_acceptance_carrying_its_dates_reads_nothing_from_the_projection(w: Wiring) -> None:
    asked: list[tuple[set[str], set[str]]] = []
    find = w.contacts.find

    async def recording(receipts_for: Collection[str], acceptances_for: Collection[str]) -> dict[str, StoredContact]:
        asked.append((set(receipts_for), set(acceptances_for)))
        return await find(receipts_for, acceptances_for)

    w.contacts.find = recording  # type: ignore[method-assign]
    await w.handle(source(accepted_with_its_dates(), "evt-acc"))

    assert asked == []
    assert len(w.mailer.sent) == 1
    assert "app-0001" in w.contacts.stored  # still projected, for the examination events to come


async def test_an_outcome_the_database_would_not_take_at_first_is_recorded_at_last_and_nothing_is_sent_twice(
    w: Wiring,
) -> None:
    w.ledger.settle_failures = 5
    events = [source(received(), "evt-rec"), source(not_eligible(), "evt-ne"), source(accepted(), "evt-acc")]
    await w.handle(*events)

    assert sorted(m.notice_id for m in w.mailer.sent) == [
        "evt-acc:application_accepted",
        "evt-ne:not_eligible",
        "evt-rec:submission_received",
    ]
    assert w.ledger.settle_calls == 6  # five failures waited out, then recorded once
    assert {e.state for e in w.ledger.entries.values()} == {State.SENT}
    assert {e.notice_id for e in w.outcomes.published} == set(w.ledger.entries)

    await w.handle(*events)  # redelivered: recorded, so only published again
    assert len(w.mailer.sent) == 3


async def test_a_failed_publish_fails_the_batch_and_its_retry_publishes_without_sending(w: Wiring) -> None:
    w.outcomes.failures = 1
    with pytest.raises(TransientError):
        await w.handle(source(not_eligible(), "evt-ne"))
    assert len(w.mailer.sent) == 1
    assert w.ledger.entries["evt-ne:not_eligible"].state is State.SENT

    await w.handle(source(not_eligible(), "evt-ne"))  # the chassis tries the batch again
    assert len(w.mailer.sent) == 1
    (published,) = w.outcomes.published
    assert published == w.ledger.entries["evt-ne:not_eligible"]


async def test_the_dead_letter_copy_of_a_refused_notice_is_waited_out_not_left_to_a_retry(w: Wiring) -> None:
    w.mailer.permanent.add(FILER)
    w.rejections.failures = 3
    await w.handle(source(not_eligible(), "evt-ne"))

    assert [r.source_event_id for r in w.rejections.rejected] == ["evt-ne"]
    assert isinstance(outcome_event(w.outcomes.published[0]), NoticeFailed)
    assert w.ledger.entries["evt-ne:not_eligible"].attempts == 1


async def test_counting_a_postponed_attempt_is_waited_out_and_the_mail_server_failure_is_what_is_raised(
    w: Wiring,
) -> None:
    w.mailer.temporary.add(FILER)
    w.ledger.postpone_failures = 2
    with pytest.raises(TemporaryFailure, match="451"):
        await w.handle(source(not_eligible(), "evt-ne"))
    assert w.ledger.entries["evt-ne:not_eligible"].attempts == 1

"""The ledger and the contacts projection on the real MongoDB-protocol server (FerretDB)."""

import asyncio
import dataclasses
from datetime import UTC, datetime
from typing import Any

from pymongo.asynchronous.database import AsyncDatabase

from services.notification.adapters.contacts import CONTACTS, MongoContacts
from services.notification.adapters.ledger import MongoLedger
from services.notification.domain.contacts import contact_from_received
from services.notification.handlers.planning import contact_of
from services.notification.handlers.ports import Entry, State
from tests.unit.notification.samples import accepted, received

AT = datetime(2026, 6, 10, 3, 0, 0, 123000, tzinfo=UTC)


def pending(notice_id: str) -> Entry:
    return Entry(
        notice_id=notice_id,
        kind="not_eligible",
        source_event_id=notice_id.split(":")[0],
        message_id=f"<{notice_id.replace(':', '+')}@example.jp>",
        state=State.PENDING,
        created_at=AT,
        application_id="app-1",
        correlation_id="corr-1",
    )


async def test_a_claim_is_exclusive_and_an_entry_settles_once(database: AsyncDatabase[dict[str, Any]]) -> None:
    ledger = MongoLedger(database)
    assert await ledger.claim([pending("e1:k"), pending("e2:k")]) == set()
    assert await ledger.claim([pending("e2:k"), pending("e3:k")]) == {"e2:k"}

    sent = dataclasses.replace(pending("e1:k"), state=State.SENT, attempts=1, recipient_count=2, settled_at=AT)
    await ledger.settle([sent])
    await ledger.settle([dataclasses.replace(sent, state=State.FAILED, reason="late writer")])
    await ledger.postpone(["e2:k"], "451 try later", AT)

    found = await ledger.find([pending(i) for i in ("e1:k", "e2:k", "e3:k", "e4:k")])
    assert found["e1:k"] == sent
    assert (found["e2:k"].state, found["e2:k"].attempts) == (State.PENDING, 1)
    assert set(found) == {"e1:k", "e2:k", "e3:k"}


async def test_an_outcome_recorded_before_the_answer_is_revised_or_withdrawn_by_it(
    database: AsyncDatabase[dict[str, Any]],
) -> None:
    ledger = MongoLedger(database)
    await ledger.claim([pending("e1:k"), pending("e2:k")])
    sent = [dataclasses.replace(pending(i), state=State.SENT, attempts=1, recipient_count=1, settled_at=AT)
            for i in ("e1:k", "e2:k")]  # fmt: skip
    await ledger.settle(sent)

    refused = dataclasses.replace(sent[0], state=State.FAILED, recipient_count=0, reason="554 5.6.0 rejected")
    await ledger.revise([refused])
    await ledger.revise([refused])  # again: the same
    await ledger.withdraw(["e2:k"])
    await ledger.withdraw(["e2:k"])  # again: nothing left to remove

    found = await ledger.find([pending("e1:k"), pending("e2:k")])
    assert found["e1:k"] == refused
    assert found["e2:k"] == pending("e2:k")


async def test_receipt_and_acceptance_projected_at_the_same_time_both_stick(
    database: AsyncDatabase[dict[str, Any]],
) -> None:
    contacts = MongoContacts(database)
    receipts = [contact_from_received(received().model_copy(update={"application_id": f"app-{i}"})) for i in range(20)]
    acceptances = [accepted().model_copy(update={"application_id": f"app-{i}"}) for i in range(20)]
    await asyncio.gather(contacts.record_received(receipts), contacts.record_accepted(acceptances))
    await contacts.record_accepted(acceptances)  # again: the same facts, dropped

    ids = [f"app-{i}" for i in range(20)] + ["app-unknown"]
    found = await contacts.find(ids, ids)
    assert len(found) == 20
    contact = contact_of(found["app-7"])
    assert contact is not None
    assert (contact.receipt_number, contact.filed_on) == ("R-20260512-0042", receipts[7].filed_on)


async def test_facts_stored_as_nested_documents_by_an_earlier_version_are_still_read(
    database: AsyncDatabase[dict[str, Any]],
) -> None:
    receipt, acceptance = contact_from_received(received()), accepted()
    application_id = acceptance.application_id
    await database[CONTACTS].insert_many(
        [
            {"_id": f"{application_id}:{fact}", "application_id": application_id, "fact": fact, "value": value}
            for fact, value in (
                ("received", receipt.model_dump(mode="json")),
                ("accepted", acceptance.model_dump(mode="json")),
            )
        ]
    )
    found = await MongoContacts(database).find([application_id], [application_id])
    assert found[application_id].received == receipt
    assert found[application_id].accepted == acceptance


async def test_an_outcome_without_the_message_id_written_by_an_earlier_version_reads_its_claim(
    database: AsyncDatabase[dict[str, Any]],
) -> None:
    ledger = MongoLedger(database)
    await ledger.claim([pending("e1:k")])
    sent = dataclasses.replace(pending("e1:k"), state=State.SENT, attempts=1, recipient_count=1, settled_at=AT)
    await ledger.settle([sent])
    await database["notice_outcomes"].update_one({"_id": "e1:k"}, {"$unset": {"message_id": ""}})

    planned_again = dataclasses.replace(pending("e1:k"), message_id="<planned-again@example.jp>")
    assert (await ledger.find([planned_again]))["e1:k"] == sent, "the Message-ID the claim kept"

"""On the real servers: a third party checks a share code over HTTP, learns nothing personal, and two intake
instances on one database together let no more misses through than the code's budget."""

import asyncio
import uuid
from datetime import date
from typing import Any

import httpx
from pymongo.asynchronous.database import AsyncDatabase

from contracts.examination import DecisionMade, Outcome
from contracts.topics import ELIGIBILITY_APPLICATION_ASSESSED, EXAMINATION_DECISION_MADE, PORTAL_APPLICATION_SUBMITTED
from services.intake.domain.numbering import application_id_for
from services.intake.settings import IntakeSettings
from tests.running import running

from .builders import an_application
from .support import isolated, private, publish
from .test_http_submission import bearer, body
from .test_status_journey import assessed, provisional_number, status_becomes

BORN, WRONG = "1995-04-01", "1995-04-02"
PERSONAL = ("NGUYEN", "VNM", "an@example", "1995", "P-2026", "ON-2026", "staff-1", "app-", "granted")


def check(client: httpx.AsyncClient, code: str, born: str, client_address: str) -> Any:
    json = {"code": code, "date_of_birth": born}
    return client.post("/v1/share-code-checks", json=json, headers={"X-Real-IP": client_address})


def nothing_personal(*answers: httpx.Response) -> bool:
    return not any(value.lower() in a.text.lower() for a in answers for value in PERSONAL)


async def test_a_third_party_learns_pending_then_decided_and_the_filer_sees_every_check(
    kafka: str, settings: IntakeSettings, database: AsyncDatabase[dict[str, Any]]
) -> None:
    submission_id = f"sub-{uuid.uuid4().hex[:8]}"
    app_id = application_id_for(submission_id, "staff-1")
    configured = settings.model_copy(update={"share_check_client_header": "X-Real-IP"})

    async with running(await isolated(configured)) as client:
        submitted = an_application(submission_id)
        await publish(kafka, [(private(settings, PORTAL_APPLICATION_SUBMITTED), submitted, f"{app_id}-sub")])
        number = await provisional_number(database, app_id)
        await publish(kafka, [(private(settings, ELIGIBILITY_APPLICATION_ASSESSED), assessed(app_id, True, 1), "a1")])
        receipt = (await status_becomes(client, number, "under_examination"))["receipt_number"]
        created = await client.post(f"/v1/applications/{number}/share-codes", headers=bearer("staff-1"))
        code, share_code_id = created.json()["code"], created.json()["share_code_id"]

        pending = await check(client, code, BORN, "198.51.100.1")
        missed = await check(client, code, WRONG, "198.51.100.2")
        decision = DecisionMade(
            application_id=app_id,
            receipt_number=receipt,
            outcome=Outcome.GRANTED,
            decided_on=date(2026, 3, 10),
            receipt_method="post",
        )
        await publish(kafka, [(private(settings, EXAMINATION_DECISION_MADE), decision, f"{app_id}-g1")])
        await status_becomes(client, number, "granted")
        decided = await check(client, code, BORN, "198.51.100.1")
        checks = await client.get(
            f"/v1/applications/{number}/share-codes/{share_code_id}/checks", headers=bearer("staff-1")
        )

    assert created.status_code == 201
    assert pending.json() == {"answer": "pending", "filed_on": "2026-03-02", "special_period_ends_on": "2026-08-31"}
    assert missed.json() == {"answer": "no_match"}
    assert decided.json() == {"answer": "decided", "decided_on": "2026-03-10"}
    assert nothing_personal(pending, missed, decided, checks)
    assert [c["outcome"] for c in checks.json()["checks"]] == ["pending", "wrong_date_of_birth", "decided"]
    stored = await database.share_codes.find_one({"_id": share_code_id})
    assert stored is not None
    assert code not in str(stored)
    assert code.replace("-", "") not in str(stored)


async def test_two_instances_racing_let_exactly_the_budgets_misses_through_and_then_the_code_is_locked(
    settings: IntakeSettings, database: AsyncDatabase[dict[str, Any]]
) -> None:
    configured = settings.model_copy(
        update={
            "share_check_client_header": "X-Real-IP",
            "share_code_lock_after_misses": 3,
            "share_check_misses_per_code": 100,
            "share_check_misses_per_client": 100,
        }
    )
    async with running(await isolated(configured)) as first, running(await isolated(configured)) as second:
        submitted = await first.post("/v1/applications", json=body("sub-race"), headers=bearer("staff-1"))
        number = submitted.json()["provisional_number"]
        created = await first.post(f"/v1/applications/{number}/share-codes", headers=bearer("staff-1"))
        code = created.json()["code"]

        misses = await asyncio.gather(
            *(check((first, second)[n % 2], code, WRONG, f"203.0.113.{n}") for n in range(12))
        )
        right_on_each = [await check(instance, code, BORN, "203.0.113.200") for instance in (first, second)]
        listed = await second.get(f"/v1/applications/{number}/share-codes", headers=bearer("staff-1"))

    statuses = sorted(m.status_code for m in misses)
    assert statuses == [200] * 3 + [423] * 9
    assert [r.status_code for r in right_on_each] == [423, 423]
    assert listed.json()["share_codes"][0]["state"] == "locked"
    assert nothing_personal(*misses, *right_on_each, listed)
    assert await database.share_check_slots.count_documents({"_id": {"$regex": "^lock#"}}) == 3


async def test_two_instances_share_each_clients_budget_of_misses(settings: IntakeSettings) -> None:
    configured = settings.model_copy(
        update={"share_check_client_header": "X-Real-IP", "share_check_misses_per_client": 4}
    )
    async with running(await isolated(configured)) as first, running(await isolated(configured)) as second:
        guesses = await asyncio.gather(
            *(check((first, second)[n % 2], f"{n % 10}{'A' * 15}", BORN, "192.0.2.1") for n in range(10))
        )
        elsewhere = await check(second, "B" * 16, BORN, "192.0.2.2")

    assert sorted(g.status_code for g in guesses) == [200] * 4 + [429] * 6
    assert all(g.headers.get("Retry-After") for g in guesses if g.status_code == 429)
    assert elsewhere.json() == {"answer": "no_match"}

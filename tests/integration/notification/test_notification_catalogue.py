"""Every notice kind, in both languages, as a real SMTP server receives it: headers, encoding, postage.

The receipts go first (in production eligibility's assessment stands between a receipt
and its acceptance). The examination events are then produced before the acceptances,
so each waits (parked) until its application's acceptance has been projected: the
out-of-order case, on the way.
"""

import email
import email.policy
from datetime import date
from email.message import EmailMessage

import pytest

from contracts import topics as catalogue
from contracts.application import ReceiptMethod
from contracts.base import Payload
from contracts.intake import ApplicationReceived
from contracts.organisations import ApprovalChange
from contracts.topics import Topic
from services.notification.adapters.mail.render import Renderer
from services.notification.adapters.tariff import load_tariff
from services.notification.domain.contacts import NoticeContext, contact_from_received, contact_with_acceptance
from services.notification.domain.notices import Notice, NoticeKind, Planned, plan_notices
from tests.integration.notification.harness import DOMAIN, MAIL_FROM, Harness
from tests.running import running
from tests.smtp_sink import Received
from tests.unit.notification.samples import (
    SENT_AT,
    accepted,
    approval_changed,
    card_dispatched,
    coe_issued,
    decision,
    documents_requested,
    documents_submitted_online,
    not_eligible,
    received,
)

POSTAGE = {  # decision date: (return envelope, standard letter, registered surcharge, LetterPack Plus)
    date(2023, 9, 30): (404, 84, 320, 520),
    date(2023, 10, 1): (434, 84, 350, 520),
    date(2024, 10, 1): (460, 110, 350, 600),
}


def with_app(payload: Payload, application_id: str) -> Payload:
    return payload.model_copy(update={"application_id": application_id})


def received_in(language: str, application_id: str) -> ApplicationReceived:
    event = received()
    filer = event.application.filer.model_copy(update={"language": language})
    return event.model_copy(
        update={"application_id": application_id, "application": event.application.model_copy(update={"filer": filer})}
    )


def events_for(language: str) -> tuple[list[tuple[Topic, Payload, str]], list[tuple[Topic, Payload, str]]]:
    """(examination events, intake events) for one application whose filer reads `language` first."""
    app = f"app-{language}"
    examination: list[tuple[Topic, Payload, str]] = [
        (catalogue.EXAMINATION_DOCUMENTS_REQUESTED, with_app(documents_requested(), app), f"{app}-docs"),
        (catalogue.EXAMINATION_DECISION_MADE, with_app(decision(method=ReceiptMethod.COUNTER), app), f"{app}-ctr"),
        (catalogue.EXAMINATION_COE_ISSUED, with_app(coe_issued(), app), f"{app}-coe"),
        (catalogue.EXAMINATION_CARD_DISPATCHED, with_app(card_dispatched(), app), f"{app}-card"),
    ]
    for day in POSTAGE:
        examination.append(
            (catalogue.EXAMINATION_DECISION_MADE, with_app(decision(decided_on=day), app), f"{app}-{day}")
        )
    intake: list[tuple[Topic, Payload, str]] = [
        (catalogue.INTAKE_APPLICATION_RECEIVED, received_in(language, app), f"{app}-rec"),
        (catalogue.INTAKE_APPLICATION_ACCEPTED, with_app(accepted(language=language), app), f"{app}-acc"),
        (catalogue.INTAKE_APPLICATION_NOT_ELIGIBLE, with_app(not_eligible(language), app), f"{app}-ne"),
        (
            catalogue.INTAKE_DOCUMENTS_SUBMITTED_ONLINE,
            with_app(documents_submitted_online(language), app),
            f"{app}-answer",
        ),
    ]
    return examination, intake


def approvals() -> list[tuple[Topic, Payload, str]]:
    changes = [c for c in ApprovalChange if c not in (ApprovalChange.STAFF_ADDED, ApprovalChange.STAFF_REMOVED)]
    events: list[tuple[Topic, Payload, str]] = [
        (catalogue.REPORTING_APPROVAL_CHANGED, approval_changed(c), f"apv-{c}") for c in changes
    ]
    removed = approval_changed(ApprovalChange.STAFF_REMOVED, removed=("s-2",))
    return [*events, (catalogue.REPORTING_APPROVAL_CHANGED, removed, "apv-staff_removed")]


def expected_notices(events: list[tuple[Topic, Payload, str]]) -> dict[str, Notice]:
    """What the domain plans for each event, given the contact the service will have projected."""
    received_by_app = {p.application_id: p for _, p, _ in events if isinstance(p, ApplicationReceived)}
    accepted_by_app = {p.application_id: p for t, p, _ in events if t is catalogue.INTAKE_APPLICATION_ACCEPTED}
    notices = {}
    for _, payload, event_id in events:
        app = getattr(payload, "application_id", None)
        contact = (
            contact_with_acceptance(contact_from_received(received_by_app[app]), accepted_by_app[app]) if app else None
        )
        result = plan_notices(payload, event_id, NoticeContext(tariff=load_tariff(), contact=contact))  # type: ignore[arg-type]
        assert isinstance(result, Planned)
        notices |= {f"<{n.notice_id.replace(':', '+')}@{DOMAIN}>": n for n in result.notices}
    return notices


def parts(message: EmailMessage) -> list[EmailMessage]:
    return [p for p in message.iter_parts() if isinstance(p, EmailMessage)]


@pytest.fixture(scope="module")
def renderer() -> Renderer:
    return Renderer()


async def test_every_notice_kind_in_both_languages_arrives_with_correct_headers_encoding_and_postage(
    notification: Harness, renderer: Renderer
) -> None:
    (ja_exam, ja_intake), (en_exam, en_intake) = events_for("ja"), events_for("en")
    everything = [*ja_exam, *en_exam, *ja_intake, *en_intake, *approvals()]
    expected = expected_notices(everything)
    # The documents reminder comes from notification's own schedule, not an event: its tests are
    # tests/integration/notification/test_documents_reminders.py and tests/e2e/test_documents_answer.py.
    assert {n.kind for n in expected.values()} == set(NoticeKind) - {NoticeKind.DOCUMENTS_REMINDER}
    async with running(notification.service()):
        receipts, others = ja_intake[:1] + en_intake[:1], ja_intake[1:] + en_intake[1:]
        await notification.send(*receipts)
        await notification.wait_for(catalogue.NOTIFICATION_NOTICE_SENT, len(receipts))
        await notification.send(*ja_exam, *en_exam, *approvals())
        await notification.send(*others)
        await notification.wait_for(catalogue.NOTIFICATION_NOTICE_SENT, len(expected), timeout=150)

    arrived = {m.message["Message-ID"]: m for m in notification.sink.messages}
    assert sorted(arrived) == sorted(expected)
    for message_id, notice in expected.items():
        check_message(arrived[message_id], notice, renderer)
    for language in ("ja", "en"):
        for day, amounts in POSTAGE.items():
            check_postage(arrived[f"<app-{language}-{day}+decision_post@{DOMAIN}>"], amounts)


def check_message(got: Received, notice: Notice, renderer: Renderer) -> None:
    want = renderer.render(notice, sender=MAIL_FROM, message_id_domain=DOMAIN, date=SENT_AT)
    want = email.message_from_bytes(want.as_bytes(), policy=email.policy.default)  # type: ignore[assignment]
    message = got.message
    head = got.raw.split(b"\r\n\r\n", 1)[0]
    assert head.isascii(), "a header left unencoded"
    assert got.rcpt_tos == tuple(r.address for r in notice.recipients)
    assert got.mail_from == "noreply@example.go.jp"
    for header in ("Subject", "From", "To", "Content-Language", "Auto-Submitted", "MIME-Version"):
        assert str(message[header]) == str(want[header]), header
    assert message["Content-Language"] == f"{notice.language}, {'en' if notice.language == 'ja' else 'ja'}"
    assert " / " in str(message["Subject"])  # both languages
    assert any(ord(c) > 0x3000 for c in str(message["Subject"]))  # Japanese decoded from its encoded words
    assert message.get_content_type() == "multipart/alternative"
    text, html = parts(message)
    assert (text.get_content_type(), html.get_content_type()) == ("text/plain", "text/html")
    assert text.get_content_charset() == html.get_content_charset() == "utf-8"
    want_text, want_html = parts(want)
    assert text.get_content() == want_text.get_content()
    assert html.get_content() == want_html.get_content()


def check_postage(got: Received, amounts: tuple[int, int, int, int]) -> None:
    envelope, letter, surcharge, letterpack = amounts
    text = parts(got.message)[0].get_content()
    assert f"{envelope}円分の切手" in text
    assert f"定形郵便物 {letter}円＋簡易書留 {surcharge}円" in text
    assert f"レターパックプラス（{letterpack}円）" in text
    assert f"postage stamps worth {envelope} yen" in text
    assert f"LetterPack Plus ({letterpack} yen)" in text

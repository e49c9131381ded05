"""The receipt of an online documents answer and the reminder before a request's last day: plans and rule."""

from datetime import date, timedelta

import pytest

from services.notification.adapters.mail.render import TEMPLATES_DIR, Renderer
from services.notification.domain.contacts import NoticeContext
from services.notification.domain.notices import NoticeKind
from services.notification.domain.plan_documents import reminder_due

from .samples import AT, documents_reminder_due, documents_submitted_online, only_notice, rendered

DUE = date(2026, 6, 1)


def test_the_receipt_goes_to_the_filer_and_lists_document_types_never_file_names(tariff) -> None:
    notice = only_notice(documents_submitted_online(), NoticeContext(tariff=tariff), source="evt-answer")

    assert notice.kind is NoticeKind.DOCUMENTS_RECEIVED
    assert notice.notice_id == "evt-answer:documents_received"
    assert [r.address for r in notice.recipients] == ["hanako@example.co.jp"]
    assert notice.variables["documents"] == ("employment_certificate", "tax_certificate")
    assert notice.variables["submitted_on"] == date(2026, 5, 20)
    assert "zaishoku.pdf" not in str(notice.variables)


def test_the_reminder_repeats_the_requests_notice_under_its_own_kind_and_id(tariff) -> None:
    due = documents_reminder_due()
    notice = only_notice(due, NoticeContext(tariff=tariff))

    assert notice.kind is NoticeKind.DOCUMENTS_REMINDER
    assert notice.notice_id == "evt-request:documents_reminder"
    assert notice.recipients == due.requested_notice.recipients
    assert notice.variables == due.requested_notice.variables


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2026, 5, 28), False),  # four days before: not yet
        (date(2026, 5, 29), True),  # three days before
        (date(2026, 6, 1), True),  # the last day itself
        (date(2026, 6, 2), False),  # past: nothing to remind of
    ],
)
def test_a_reminder_is_due_from_the_configured_days_before_up_to_the_last_day(today: date, expected: bool) -> None:
    assert reminder_due(DUE, AT, (), today, days_before=3) is expected


def test_an_answer_to_this_request_or_a_later_one_cancels_the_reminder_an_older_one_does_not() -> None:
    today = date(2026, 5, 30)
    truncated = AT.replace(microsecond=0)  # intake stores times to the millisecond

    assert not reminder_due(DUE, AT.replace(microsecond=123456), [truncated], today, days_before=3)
    assert not reminder_due(DUE, AT, [AT + timedelta(days=2)], today, days_before=3)
    assert reminder_due(DUE, AT, [AT - timedelta(days=30)], today, days_before=3)


@pytest.mark.parametrize("language", ["ja", "en"])
def test_both_notices_render_in_both_languages(tariff, language: str) -> None:
    renderer = Renderer(TEMPLATES_DIR)
    received = only_notice(documents_submitted_online(language), NoticeContext(tariff=tariff))
    reminder = only_notice(documents_reminder_due(language), NoticeContext(tariff=tariff))

    received_text = rendered(renderer, received).get_body(("plain",)).get_content()  # type: ignore[union-attr]
    reminder_message = rendered(renderer, reminder)

    assert "R-20260512-0042" in received_text
    assert "資料を受け付けました" in received_text
    assert "We received the documents" in received_text
    assert "1 June 2026" in reminder_message["Subject"]
    assert "2026年6月1日" in reminder_message["Subject"]

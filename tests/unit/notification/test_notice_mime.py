import base64
from datetime import datetime

import pytest

from contracts.organisations import ApprovalChange
from services.notification.adapters.mail.mime import base64_lines
from services.notification.adapters.mail.render import Renderer
from services.notification.domain.contacts import NoticeContext
from services.notification.domain.notices import NoticeKind

from .conftest import NoticeFor
from .samples import DOMAIN, SENDER, SENT_AT, approval_changed, only_notice, rendered, staff


def test_a_notice_is_multipart_alternative_with_utf8_text_and_html(renderer: Renderer, notice_for: NoticeFor) -> None:
    message = rendered(renderer, notice_for(NoticeKind.COE_ISSUED, "en"))
    assert message.get_content_type() == "multipart/alternative"
    parts = list(message.iter_parts())
    assert [p.get_content_type() for p in parts] == ["text/plain", "text/html"]
    assert [p.get_content_charset() for p in parts] == ["utf-8", "utf-8"]
    assert "在留資格認定証明書" in parts[0].get_content()


def test_the_subject_decodes_to_the_japanese_text(renderer: Renderer, notice_for: NoticeFor) -> None:
    message = rendered(renderer, notice_for(NoticeKind.COE_ISSUED, "ja"))
    assert message["Subject"].startswith("在留資格認定証明書（電子）を交付しました（証明書番号 COE-2026-000123）")


def test_the_headers_name_sender_recipients_date_and_auto_submission(renderer: Renderer, notice_for: NoticeFor) -> None:
    message = rendered(renderer, notice_for(NoticeKind.APPLICATION_ACCEPTED, "ja"))
    assert message["From"].addresses[0].display_name == "在留申請オンラインシステム"
    assert message["From"].addresses[0].addr_spec == "noreply@example.go.jp"
    assert [(a.display_name, a.addr_spec) for a in message["To"].addresses] == [
        ("山田 花子", "hanako@example.co.jp"),
        ("グエン・ヴァン・アン", "an@example.com"),
    ]
    assert message["Date"].datetime == SENT_AT
    assert message["Auto-Submitted"] == "auto-generated"
    assert message["MIME-Version"] == "1.0"


def test_the_message_on_the_wire_is_seven_bit_with_short_lines(renderer: Renderer, notice_for: NoticeFor) -> None:
    for kind in NoticeKind:
        raw = renderer.render(notice_for(kind, "en"), sender=SENDER, message_id_domain=DOMAIN, date=SENT_AT).as_bytes()
        assert raw.isascii()
        assert max(len(line) for line in raw.split(b"\r\n")) <= 78
        assert b"\n" not in raw.replace(b"\r\n", b"")


def test_every_recipient_survives_a_long_list_of_japanese_names(renderer: Renderer, context: NoticeContext) -> None:
    # The Python 3.11 folder would merge these into one recipient (CPython gh-100884).
    names = ["グエン・ヴァン・アン", "Maria Santos", "職員 一郎", "佐藤 二郎", "Doe, John", "山田 花子"]
    team = tuple(staff(f"s-{i}", f"user{i}@example.co.jp").model_copy(update={"name": n}) for i, n in enumerate(names))
    event = approval_changed(ApprovalChange.REMINDER_DUE).model_copy(update={"staff": team})
    message = rendered(renderer, only_notice(event, context))
    assert [(a.display_name, a.addr_spec) for a in message["To"].addresses] == [
        (n, f"user{i}@example.co.jp") for i, n in enumerate(names)
    ]


def test_a_date_without_a_timezone_is_refused(renderer: Renderer, notice_for: NoticeFor) -> None:
    with pytest.raises(ValueError, match="timezone"):
        renderer.render(
            notice_for(NoticeKind.CARD_DISPATCHED, "ja"),
            sender=SENDER,
            message_id_domain=DOMAIN,
            date=datetime(2026, 5, 12, 9, 0),
        )


@pytest.mark.parametrize("size", [0, 1, 2, 3, 56, 57, 58, 114, 9000])
def test_base64_lines_are_what_the_standard_encoder_gives(size: int) -> None:
    data = bytes(range(256)) * 40
    assert base64_lines(data[:size]) == base64.encodebytes(data[:size]).decode()

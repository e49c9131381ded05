import email
import email.policy

import pytest
from pydantic import ValidationError

from contracts.intake import ApplicationAccepted
from services.notification.adapters.mail.mime import build_message
from services.notification.adapters.mail.render import Renderer
from services.notification.domain.contacts import NoticeContext
from services.notification.domain.model import Recipient

from .samples import DOMAIN, SENDER, SENT_AT, accepted, only_notice, parties, rendered

EVIL = "X\r\nBcc: evil@example.com"


def header_block(raw: bytes) -> bytes:
    return raw.split(b"\r\n\r\n", 1)[0]


def unchecked(**party_changes: str) -> ApplicationAccepted:
    """An acceptance whose names skipped validation: the contracts refuse line breaks in a name
    (tests/unit/contracts/test_text_fields.py); the MIME layer must hold on its own all the same,
    for a contact stored before that rule or a path that builds a notice without validating."""
    return accepted().model_copy(update={"parties": parties().model_copy(update=party_changes)})


def test_the_contract_refuses_a_line_break_in_a_name_in_the_first_place() -> None:
    with pytest.raises(ValidationError):
        accepted(applicant_name=EVIL)


def test_a_line_break_in_the_applicants_name_cannot_add_a_header(renderer: Renderer, context: NoticeContext) -> None:
    notice = only_notice(unchecked(applicant_name=EVIL), context)
    raw = renderer.render(notice, sender=SENDER, message_id_domain=DOMAIN, date=SENT_AT).as_bytes()
    assert b"\r\nBcc:" not in header_block(raw)
    parsed = email.message_from_bytes(raw, policy=email.policy.default)
    assert parsed["Bcc"] is None
    assert [a.addr_spec for a in parsed["To"].addresses] == ["hanako@example.co.jp", "an@example.com"]
    assert parsed["To"].addresses[1].display_name == "X Bcc: evil@example.com"


@pytest.mark.parametrize("line_break", ["\n", "\r", "\r\n", "\u2028", "\u2029", "\x85", "\x0b", "\x0c", "\x00"])
def test_every_kind_of_line_break_in_a_name_is_stripped(
    renderer: Renderer, context: NoticeContext, line_break: str
) -> None:
    notice = only_notice(unchecked(filer_name=f"Mallory{line_break}Bcc: evil@example.com"), context)
    message = rendered(renderer, notice)
    assert message["Bcc"] is None
    assert message["To"].addresses[0].display_name == "Mallory Bcc: evil@example.com"


def test_a_name_that_looks_like_an_encoded_word_is_shown_literally(renderer: Renderer, context: NoticeContext) -> None:
    # Decoded, this would read "X\r\nBcc: evil@example.com".
    disguised = "=?utf-8?b?WA0KQmNjOiBldmlsQGV4YW1wbGUuY29t?="
    message = rendered(renderer, only_notice(accepted(filer_name=disguised), context))
    assert message["To"].addresses[0].display_name == disguised
    assert message["Bcc"] is None


def test_a_recipient_address_with_a_line_break_is_refused() -> None:
    with pytest.raises(ValidationError):
        Recipient(address="a@example.com\r\nBcc: evil@example.com")


def test_a_sender_with_a_line_break_is_refused(renderer: Renderer, context: NoticeContext) -> None:
    notice = only_notice(accepted(), context)
    with pytest.raises(ValueError, match="sender"):
        renderer.render(
            notice, sender="noreply@example.go.jp\r\nBcc: evil@example.com", message_id_domain=DOMAIN, date=SENT_AT
        )


def test_a_message_id_domain_with_a_line_break_is_refused(renderer: Renderer, context: NoticeContext) -> None:
    notice = only_notice(accepted(), context)
    with pytest.raises(ValueError, match="host name"):
        renderer.render(notice, sender=SENDER, message_id_domain="example.jp\r\nBcc: evil@example.com", date=SENT_AT)


def test_a_subject_with_a_line_break_stays_one_header() -> None:
    message = build_message(
        sender=SENDER,
        recipients=(Recipient(address="a@example.com"),),
        subject="お知らせ\r\nBcc: evil@example.com",
        text="本文",
        html="<p>本文</p>",
        message_id="<evt-1+x@example.jp>",
        date=SENT_AT,
        languages=("ja", "en"),
    )
    parsed = email.message_from_bytes(message.as_bytes(), policy=email.policy.default)
    assert parsed["Bcc"] is None
    assert parsed["Subject"] == "お知らせ Bcc: evil@example.com"

import re

import pytest

from services.notification.adapters.mail.mime import message_id
from services.notification.adapters.mail.render import Renderer
from services.notification.domain.contacts import NoticeContext
from services.notification.domain.model import NoticeKind, notice_id_for

from .samples import DOMAIN, SENDER, SENT_AT, accepted, only_notice, rendered

IDENTIFIER = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")


def test_a_notice_id_is_the_source_event_id_and_the_kind() -> None:
    assert notice_id_for("evt-123", NoticeKind.COE_ISSUED) == "evt-123:coe_issued"


def test_planning_the_same_event_twice_gives_the_same_notice(context: NoticeContext) -> None:
    assert only_notice(accepted(), context, "evt-9") == only_notice(accepted(), context, "evt-9")


def test_another_event_gives_another_notice_id(context: NoticeContext) -> None:
    assert only_notice(accepted(), context, "evt-9").notice_id != only_notice(accepted(), context, "evt-10").notice_id


@pytest.mark.parametrize(
    "source",
    ["9f1c0b8e-2d4e-4c7b-9a51-6f3d2e1a0b7c", "urn:uuid:x/y z", "イベント-1", "e" * 200, "a/b", "a-b"],
)
def test_an_awkward_source_id_still_gives_a_valid_deterministic_identifier(source: str) -> None:
    notice_id = notice_id_for(source, NoticeKind.APPROVAL_DEADLINE_NEAR)
    assert IDENTIFIER.match(notice_id)
    assert notice_id.endswith(":approval_deadline_near")
    assert notice_id == notice_id_for(source, NoticeKind.APPROVAL_DEADLINE_NEAR)


def test_source_ids_that_sanitise_alike_do_not_collide() -> None:
    assert notice_id_for("a/b", NoticeKind.COE_ISSUED) != notice_id_for("a-b", NoticeKind.COE_ISSUED)
    assert notice_id_for("a/b", NoticeKind.COE_ISSUED) != notice_id_for("a\\b", NoticeKind.COE_ISSUED)


def test_the_message_id_is_derived_from_the_notice_id(renderer: Renderer, context: NoticeContext) -> None:
    message = rendered(renderer, only_notice(accepted(), context, "evt-9"))
    assert message["Message-ID"] == f"<evt-9+application_accepted@{DOMAIN}>"


def test_rendering_the_same_notice_again_gives_the_same_message_id(renderer: Renderer, context: NoticeContext) -> None:
    notice = only_notice(accepted(), context)
    first = renderer.render(notice, sender=SENDER, message_id_domain=DOMAIN, date=SENT_AT)
    again = renderer.render(notice, sender=SENDER, message_id_domain=DOMAIN, date=SENT_AT)
    assert first["Message-ID"] == again["Message-ID"]


def test_a_notice_id_that_is_no_dot_atom_gets_a_digest_message_id() -> None:
    awkward = message_id("evt..1:coe_issued", DOMAIN)
    assert re.fullmatch(rf"<[0-9a-f]{{32}}@{re.escape(DOMAIN)}>", awkward)
    assert awkward == message_id("evt..1:coe_issued", DOMAIN)


@pytest.mark.parametrize("domain", ["", "example..jp", "exa mple.jp", "example.jp>\r\nBcc: x@y", "-bad.jp"])
def test_a_message_id_domain_that_is_no_host_name_is_refused(domain: str) -> None:
    with pytest.raises(ValueError, match="host name"):
        message_id("evt-1:coe_issued", domain)

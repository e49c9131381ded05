"""The fast serialiser gives exactly the bytes the standard generator gives, for every notice."""

import pytest

from services.notification.adapters.mail.render import Renderer
from services.notification.adapters.mail.wire import message_bytes
from services.notification.domain.notices import NoticeKind

from .conftest import NoticeFor
from .samples import DOMAIN, SENDER, SENT_AT


@pytest.mark.parametrize("language", ["ja", "en"])
@pytest.mark.parametrize("kind", list(NoticeKind))
def test_the_bytes_are_those_of_the_standard_generator(
    renderer: Renderer, notice_for: NoticeFor, kind: NoticeKind, language: str
) -> None:
    message = renderer.render(notice_for(kind, language), sender=SENDER, message_id_domain=DOMAIN, date=SENT_AT)
    assert message_bytes(message) == message.as_bytes()


def test_a_message_of_another_shape_is_left_to_the_standard_generator(
    renderer: Renderer, notice_for: NoticeFor
) -> None:
    message = renderer.render(
        notice_for(NoticeKind.COE_ISSUED, "en"), sender=SENDER, message_id_domain=DOMAIN, date=SENT_AT
    )
    message.preamble = "This is a multi-part message in MIME format."
    assert message_bytes(message) == message.as_bytes()
    assert b"multi-part message" in message_bytes(message)

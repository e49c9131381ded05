"""Fixtures for the notification domain: the bundled tariff and templates, and a planned notice per kind."""

from collections.abc import Callable

import pytest

from services.notification.adapters.mail.render import Renderer
from services.notification.adapters.tariff import load_tariff
from services.notification.domain.contacts import (
    ApplicationContact,
    NoticeContext,
    contact_from_received,
    contact_with_acceptance,
)
from services.notification.domain.notices import Notice, NoticeKind
from services.notification.domain.postage import Tariff

from .samples import accepted, events_for_every_kind, only_notice, received


@pytest.fixture(scope="session")
def tariff() -> Tariff:
    return load_tariff()


@pytest.fixture(scope="session")
def renderer() -> Renderer:
    return Renderer()


@pytest.fixture
def contact() -> ApplicationContact:
    return contact_with_acceptance(contact_from_received(received()), accepted())


@pytest.fixture
def context(tariff: Tariff, contact: ApplicationContact) -> NoticeContext:
    return NoticeContext(tariff=tariff, contact=contact)


NoticeFor = Callable[[NoticeKind, str], Notice]


@pytest.fixture
def notice_for(context: NoticeContext) -> NoticeFor:
    """A planned notice of `kind` whose first language is `language`."""
    events = events_for_every_kind()

    def build(kind: NoticeKind, language: str) -> Notice:
        notice = only_notice(events[kind], context.model_copy(update={"organisation_language": language}))
        assert notice.kind is kind
        return notice.model_copy(update={"language": language})

    return build

"""Every reason reaches the filer in Japanese and English, saying what to do instead."""

import pytest

from contracts.application import Procedure
from services.eligibility.domain import ReasonCode
from services.eligibility.domain.reasons import PLACEHOLDERS, finding

from .factories import rules_on


@pytest.mark.parametrize("code", list(ReasonCode))
def test_every_reason_code_renders_in_both_languages(code: ReasonCode) -> None:
    catalogue = rules_on().messages
    values = {name: f"<{name}>" for name in PLACEHOLDERS.get(code, ())}
    reason = catalogue.render(finding(code, **values))
    assert reason.code == code.value
    assert reason.message_ja
    assert reason.message_en
    for value in values.values():
        assert value in reason.message_ja
        assert value in reason.message_en


def test_bilingual_values_are_rendered_in_each_language() -> None:
    rules = rules_on()
    label = rules.messages.procedures[Procedure.REENTRY_PERMIT]
    reason = rules.messages.render(finding(ReasonCode.PROCEDURE_ONLY_ACCOMPANYING, procedure=label))
    assert "再入国許可申請" in reason.message_ja
    assert "re-entry permit" in reason.message_en


def test_a_value_a_check_forgot_renders_empty_rather_than_failing() -> None:
    reason = rules_on().messages.render(finding(ReasonCode.EXTENSION_WINDOW_NOT_OPEN))
    assert "accepted from ." in reason.message_en


@pytest.mark.parametrize(
    "code",
    [
        ReasonCode.FILING_FROM_ABROAD,
        ReasonCode.STAY_EXPIRES_TODAY,
        ReasonCode.CURRENT_STATUS_OUT_OF_SCOPE,
        ReasonCode.APPROVAL_NOT_IN_FORCE,
        ReasonCode.STAFF_REMOVED,
        ReasonCode.PROCEDURE_NOT_ALLOWED_FOR_FILER,
    ],
)
def test_refusals_that_leave_only_the_counter_point_to_it(code: ReasonCode) -> None:
    reason = rules_on().messages.render(finding(code))
    assert "窓口" in reason.message_ja
    assert "counter" in reason.message_en

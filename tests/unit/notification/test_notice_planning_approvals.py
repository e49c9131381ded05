import pytest

from contracts.organisations import ApprovalChange
from services.notification.domain.contacts import NoticeContext
from services.notification.domain.notices import NoticeKind, Planned, plan_notices

from .samples import approval_changed, only_notice, staff

NOTICE_FOR_CHANGE = {
    ApprovalChange.GRANTED: NoticeKind.APPROVAL_GRANTED,
    ApprovalChange.REMINDER_DUE: NoticeKind.APPROVAL_REMINDER_DUE,
    ApprovalChange.DEADLINE_NEAR: NoticeKind.APPROVAL_DEADLINE_NEAR,
    ApprovalChange.LAPSED: NoticeKind.APPROVAL_LAPSED,
    ApprovalChange.RENEWED: NoticeKind.APPROVAL_RENEWED,
    ApprovalChange.REVOKED: NoticeKind.APPROVAL_REVOKED,
}


@pytest.mark.parametrize(("change", "kind"), NOTICE_FOR_CHANGE.items())
def test_each_approval_change_is_told_to_the_organisations_staff(
    context: NoticeContext, change: ApprovalChange, kind: NoticeKind
) -> None:
    notice = only_notice(approval_changed(change), context)
    assert notice.kind is kind
    assert [r.address for r in notice.recipients] == ["one@example.co.jp", "two@example.co.jp"]
    assert notice.approval_id == "apv-7"
    assert notice.application_id is None


def test_a_removal_goes_to_the_remaining_staff_and_names_the_leaver_by_staff_id_only(
    context: NoticeContext,
) -> None:
    event = approval_changed(ApprovalChange.STAFF_REMOVED, removed=("s-2",))
    notice = only_notice(event, context)
    assert notice.kind is NoticeKind.APPROVAL_STAFF_REMOVED
    assert [r.address for r in notice.recipients] == ["one@example.co.jp"]
    assert notice.variables["removed_staff_ids"] == ("s-2",)
    assert "職員 s-2" not in repr(notice.variables)


def test_staff_greetings_stay_generic(context: NoticeContext) -> None:
    assert only_notice(approval_changed(ApprovalChange.LAPSED), context).variables["addressees"] == ()


def test_a_staff_member_joining_sends_nothing(context: NoticeContext) -> None:
    result = plan_notices(approval_changed(ApprovalChange.STAFF_ADDED), "evt-1", context)
    assert isinstance(result, Planned)
    assert result.notices == ()
    assert result.skipped is not None


def test_an_approval_with_nobody_left_to_tell_sends_nothing_and_says_why(context: NoticeContext) -> None:
    event = approval_changed(ApprovalChange.STAFF_REMOVED, removed=("s-1", "s-2"))
    result = plan_notices(event, "evt-1", context)
    assert isinstance(result, Planned)
    assert result.notices == ()
    assert "apv-7" in (result.skipped or "")


def test_two_staff_sharing_an_address_get_one_copy(context: NoticeContext) -> None:
    event = approval_changed(ApprovalChange.REMINDER_DUE).model_copy(
        update={"staff": (staff("s-1", "desk@example.co.jp"), staff("s-2", "Desk@example.co.jp"))}
    )
    assert len(only_notice(event, context).recipients) == 1


def test_the_organisation_language_is_shown_first(context: NoticeContext) -> None:
    english = context.model_copy(update={"organisation_language": "en"})
    assert only_notice(approval_changed(ApprovalChange.RENEWED), english).language == "en"
    assert only_notice(approval_changed(ApprovalChange.RENEWED), context).language == "ja"

"""`make demo` (deploy/demo): the documented example is what it sends, and the rules accept it.

The end-to-end run is tests/e2e/test_demo.py; these need no servers.
"""

import json
import re
from datetime import UTC, date, datetime, timedelta
from email.message import EmailMessage
from email.policy import SMTP
from pathlib import Path
from typing import Any

from contracts.application import Application
from deploy.demo import example, mail, organisation
from services.eligibility.adapters.rule_files import load_ruleset
from services.eligibility.domain.approvals import OrganisationFacts, apply_change
from services.eligibility.domain.assess import assess
from services.intake.adapters.api.auth import Principal
from services.intake.adapters.api.schemas import SubmissionRequest
from services.reporting.adapters.validity_file import DEFAULT_VALIDITY_PATH, load_validity
from services.reporting.domain.approvals import apply

REPO = Path(__file__).resolve().parents[3]
TODAY = date(2026, 12, 8)


def documented_example() -> dict[str, Any]:
    """The JSON block of docs/intake-api.md's "Submitting" section."""
    text = (REPO / "docs" / "intake-api.md").read_text()
    section = text.split("## Submitting", 1)[1]
    block = re.search(r"```json\n(.*?)\n```", section, re.DOTALL)
    assert block is not None, "docs/intake-api.md: no JSON example under 'Submitting'"
    parsed: dict[str, Any] = json.loads(block.group(1))
    return parsed


def test_the_documented_example_is_exactly_what_the_demo_sends_but_for_a_fresh_submission_id() -> None:
    assert example.body() == documented_example()
    sent = example.submission("demo-run-1")
    assert sent == {**documented_example(), "submission_id": "demo-run-1"}


def test_each_run_sends_a_new_submission_id() -> None:
    now = datetime(2026, 12, 8, 3, 0, tzinfo=UTC)
    assert example.new_submission_id(now) != example.new_submission_id(now)


def test_the_documented_example_is_eligible_once_the_demo_organisation_is_approved() -> None:
    """The whole path without servers: the bureau's grant through reporting's and eligibility's rules."""
    grant = organisation.grant(TODAY)
    granted = apply(None, grant, datetime(2026, 12, 8, 3, 0, tzinfo=UTC), rules=load_validity(DEFAULT_VALIDITY_PATH))
    record = apply_change(None, granted.changes[0])
    principal = Principal.model_validate(organisation.token_claims())
    application = SubmissionRequest.model_validate(documented_example()).application(
        principal, datetime(2026, 12, 8, 3, 30, tzinfo=UTC)
    )
    decision = assess(application, OrganisationFacts(approvals=(record,)), load_ruleset().in_force_on(TODAY), TODAY)
    assert decision.eligible, [reason.code for reason in decision.reasons]


def test_without_the_approval_the_documented_example_is_not_eligible() -> None:
    principal = Principal.model_validate(organisation.token_claims())
    application = SubmissionRequest.model_validate(documented_example()).application(
        principal, datetime(2026, 12, 8, 3, 30, tzinfo=UTC)
    )
    decision = assess(application, OrganisationFacts(), load_ruleset().in_force_on(TODAY), TODAY)
    assert [reason.code for reason in decision.reasons] == ["approval_missing"]


def test_granting_again_sends_the_same_event_the_same_day() -> None:
    first, again = organisation.grant(TODAY), organisation.grant(TODAY)
    assert first == again
    assert organisation.grant_event_id(first) == organisation.grant_event_id(again)
    assert organisation.grant_event_id(first) != organisation.grant_event_id(organisation.grant(date(2026, 12, 9)))


def test_the_grant_is_a_cloudevent_as_upstream_publishers_send_it() -> None:
    grant = organisation.grant(TODAY)
    topic, key, value, headers = organisation.grant_record(grant, topic_prefix="")
    named = dict(headers)
    assert topic == "bureau.approval-granted.v1"
    assert key == grant.approval_id.encode()
    assert json.loads(value)["organisation_id"] == "org-0001"
    assert named["ce_specversion"] == b"1.0"
    assert named["ce_type"] == b"jp.residence.bureau.approval-granted.v1"
    assert named["ce_id"] == organisation.grant_event_id(grant).encode()
    assert named["ce_source"] == b"/bureau/demo"
    assert named["ce_time"] == b"2026-12-08T00:00:00+09:00"
    assert named["content-type"] == b"application/json"


def stored(directory: Path, name: str, subject: str, body: str) -> None:
    message = EmailMessage(policy=SMTP)
    message["To"] = "tanto@example.co.jp"
    message["Subject"] = subject
    message.set_content(body)
    (directory / name).write_bytes(b"X-Envelope-To: tanto@example.co.jp\r\n" + message.as_bytes())


def test_the_emails_of_an_application_are_those_that_name_its_numbers(tmp_path: Path) -> None:
    stored(tmp_path, "1-a-0.eml", "申請受付 (仮受付番号 P-20261208-00000007) / Application received", "受付")
    stored(tmp_path, "2-a-1.eml", "Application received (provisional number P-20261208-00000008)", "another")
    stored(tmp_path, "3-a-2.eml", "受付番号 ON-2026-000000007-42 / Application accepted", "accepted")
    (tmp_path / ".4-a-3.eml.tmp").write_bytes(b"Subject: P-20261208-00000007\r\n\r\nhalf written")

    found = mail.messages_about(tmp_path, ("P-20261208-00000007", "ON-2026-000000007-42"), since_ns=0)

    assert [m.file.name for m in found] == ["1-a-0.eml", "3-a-2.eml"]
    assert found[1].text.strip() == "accepted"
    assert found[0].to == "tanto@example.co.jp"


def kcat_example(today: date) -> dict[str, Any]:
    """The submission.json of docs/upstream-publishers.md's kcat example, its shell dates filled in."""
    text = (REPO / "docs" / "upstream-publishers.md").read_text()
    block = re.search(r"cat > submission\.json <<JSON\n(.*?)\nJSON\n", text, re.DOTALL)
    assert block is not None, "docs/upstream-publishers.md: no submission.json heredoc"
    filled = block.group(1).replace("$(date -d '+45 days' +%F)", (today + timedelta(days=45)).isoformat())
    filled = filled.replace("$(date -u +%FT%TZ)", f"{today.isoformat()}T00:30:00Z")
    assert "$(" not in filled, "a shell substitution the test does not know"
    parsed: dict[str, Any] = json.loads(filled)
    return parsed


def test_the_kcat_example_for_publishers_is_eligible_once_the_demo_organisation_is_approved() -> None:
    grant = organisation.grant(TODAY)
    granted = apply(None, grant, datetime(2026, 12, 8, 3, 0, tzinfo=UTC), rules=load_validity(DEFAULT_VALIDITY_PATH))
    record = apply_change(None, granted.changes[0])
    application = Application.model_validate(kcat_example(TODAY))
    decision = assess(application, OrganisationFacts(approvals=(record,)), load_ruleset().in_force_on(TODAY), TODAY)
    assert decision.eligible, [reason.code for reason in decision.reasons]

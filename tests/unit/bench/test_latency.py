"""The latency generator's parts that decide its figures: what it sends, and which e-mail ends an application."""

import os
from datetime import UTC, datetime
from email.message import EmailMessage
from pathlib import Path

from bench.latency import acceptances, body, percentiles
from services.intake.adapters.api.schemas import SubmissionRequest


def stored(folder: Path, name: str, message_id: str, text: str, at: float) -> None:
    message = EmailMessage()
    message["Message-ID"] = message_id
    message["Subject"] = "申請を受け付けました"
    message.set_content(text, charset="utf-8")  # encoded as the notification service encodes Japanese text
    path = folder / name
    path.write_bytes(message.as_bytes(policy=message.policy.clone(linesep="\r\n")))
    os.utime(path, (at, at))


def test_an_acceptance_is_the_first_accepted_message_naming_the_provisional_number(tmp_path: Path) -> None:
    stored(tmp_path, "1.eml", "<evt-1+submission_received@x.jp>", "仮受付番号: P-20261208-00000001", 100.0)
    stored(tmp_path, "2.eml", "<evt-2+application_accepted@x.jp>", "仮受付番号: P-20261208-00000001 受付", 105.0)
    stored(tmp_path, "3.eml", "<evt-3+application_accepted@x.jp>", "Provisional number: P-20261208-00000001", 103.0)
    read: dict[str, float | None] = {}

    assert acceptances(tmp_path, read) == {"P-20261208-00000001": 103.0}
    assert acceptances(tmp_path, read) == {}  # a file is read once


def test_a_body_is_a_valid_submission_whose_filer_details_match_the_sample() -> None:
    request = SubmissionRequest.model_validate_json(body(7, datetime(2026, 12, 8, tzinfo=UTC)))

    assert request.submission_id == "sub-00000007"
    assert request.filer.intermediary_id == "INT-00007"


def test_percentiles_are_read_from_the_sorted_values() -> None:
    figures = percentiles([float(n) for n in range(100, 0, -1)]).split()

    assert figures[:6] == ["p50", "51.000", "s", "p95", "96.000", "s"]

"""Personal data never reaches a log line."""

import io
import json
import logging
from contextlib import redirect_stderr

import structlog

from chassis.logging import configure_logging
from chassis.redaction import REDACTED, redact

PERSONAL = {
    "residence_card": "AB12345678CD",
    "passport": "TK1234567",
    "my_number": "123456789012",
    "date_of_birth": "1990-04-01",
    "address": "東京都千代田区霞が関1-1-1",
    "name": "Nguyen Van An",
    "email": "an.nguyen@example.com",
}


def _log_lines(emit: object) -> str:
    buffer = io.StringIO()
    with redirect_stderr(buffer):
        configure_logging("test", level="debug", fmt="json")
        assert callable(emit)
        emit()
    configure_logging("tests", level="warning", fmt="console")
    return buffer.getvalue()


def test_fields_named_as_personal_data_are_replaced_whole() -> None:
    redacted = redact({"applicant": {"name": "X"}, "address": "somewhere", "residence_card_number": "AB12345678CD"})
    assert redacted == {"applicant": REDACTED, "address": REDACTED, "residence_card_number": REDACTED}


def test_values_that_look_like_personal_data_are_masked_inside_free_text() -> None:
    text = redact("card AB12345678CD, passport TK1234567, number 1234 5678 9012, born 1990-04-01, mail a@b.co")
    for value in ("AB12345678CD", "TK1234567", "1234 5678 9012", "1990-04-01", "a@b.co"):
        assert value not in text


def test_no_personal_value_reaches_a_json_log_line_from_structlog_or_the_standard_library() -> None:
    def emit() -> None:
        log = structlog.get_logger()
        log.info(
            "application received",
            applicant={"name": PERSONAL["name"], "address": PERSONAL["address"]},
            detail=f"card {PERSONAL['residence_card']} mail {PERSONAL['email']}",
        )
        try:
            raise ValueError(f"bad passport {PERSONAL['passport']} born {PERSONAL['date_of_birth']}")
        except ValueError:
            log.exception("handler failed", my_number=PERSONAL["my_number"])
        logging.getLogger("some.library").warning("sending to %s", PERSONAL["email"])

    output = _log_lines(emit)
    for value in PERSONAL.values():
        assert value not in output, value
    lines = [json.loads(line) for line in output.splitlines()]
    assert [line["event"] for line in lines][:2] == ["application received", "handler failed"]
    assert all(line["service"] == "test" for line in lines[:2])

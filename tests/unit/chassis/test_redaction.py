"""Personal data never reaches a log line."""

import io
import json
import logging
from contextlib import redirect_stderr

import pytest
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


@pytest.mark.parametrize(
    "date",
    [
        "1890-01-01",  # a centenarian's date of birth: before 1900
        "2101-06-30",
        "0001-01-01",
        "1995/04/01",
        "1995.4.1",
        "1995年4月1日",
        "平成7年4月1日",
        "昭和 60 年 12 月 3 日",
        "令和元年5月1日",
        "H7.4.1",
        "S60/12/03",
        "datetime.date(1890, 1, 1)",
    ],
)
def test_a_date_of_any_year_and_in_any_usual_spelling_is_masked(date: str) -> None:
    assert redact(f"born {date}, filed") == f"born {REDACTED}, filed"


def test_personal_fields_quoted_inside_free_text_are_masked_as_a_repr_or_json_shows_them() -> None:
    text = redact(
        "Applicant(name='NGUYEN VAN AN', nationality='VNM') "
        '{"address": "東京都千代田区霞が関1-1-1", "name_kana": "グエン"} filer_name="担当 太郎"'
    )
    for value in ("NGUYEN VAN AN", "東京都千代田区霞が関1-1-1", "グエン", "担当 太郎"):
        assert value not in text
    assert "nationality='VNM'" in text


def test_what_operators_need_survives_timestamps_numbers_and_ids() -> None:
    kept = (
        "2026-12-07T21:39:31.415587Z",
        "P-20261208-00000001",
        "ONL-2026-000000001-42",
        "app-7jqqak2hmzhuxrvvtavkufqqws",
        "portal.application-submitted.v1/1/2045",
        "127.0.0.1:9092",
    )
    for value in kept:
        assert redact(f"at {value} done") == f"at {value} done"

import re
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.intake.domain.numbering import (
    application_id_for,
    format_provisional_number,
    format_receipt_number,
    is_valid_receipt_number,
    parse_provisional_number,
    parse_receipt_number,
    provisional_counter_key,
    receipt_counter_key,
)

IDENTIFIER = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")  # contracts.application.Identifier
bureaus = st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=2, max_size=2)
years = st.integers(min_value=2000, max_value=2200)
receipt_seqs = st.integers(min_value=1, max_value=10**9 - 1)


def test_a_provisional_number_shows_the_day_and_an_eight_digit_sequence():
    number = format_provisional_number(date(2026, 3, 1), 42)

    assert number == "P-20260301-00000042"
    assert parse_provisional_number(number) == (date(2026, 3, 1), 42)
    assert IDENTIFIER.match(number)


def test_a_receipt_number_shows_bureau_year_sequence_and_two_check_digits():
    number = format_receipt_number(2026, 42)

    assert re.fullmatch(r"ON-2026-000000042-[0-9]{2}", number)
    assert parse_receipt_number(number) == ("ON", 2026, 42)
    assert IDENTIFIER.match(number)


def test_counters_are_kept_per_day_for_provisional_numbers_and_per_bureau_and_year_for_receipts():
    assert provisional_counter_key(date(2026, 3, 1)) == "provisional:20260301"
    assert receipt_counter_key(2026) == "receipt:ON:2026"
    assert receipt_counter_key(2026, "TK") == "receipt:TK:2026"


@given(bureaus, years, receipt_seqs)
def test_every_receipt_number_formatted_parses_back_to_its_parts(bureau, year, seq):
    assert parse_receipt_number(format_receipt_number(year, seq, bureau)) == (bureau, year, seq)


@given(bureaus, years, receipt_seqs, st.data())
def test_the_check_digits_catch_every_single_character_typo(bureau, year, seq, data):
    number = format_receipt_number(year, seq, bureau)
    position = data.draw(st.sampled_from([i for i, char in enumerate(number) if char != "-"]))
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ" if number[position].isalpha() else "0123456789"
    typo = data.draw(st.sampled_from(alphabet.replace(number[position], "")))

    assert not is_valid_receipt_number(number[:position] + typo + number[position + 1 :])


def test_the_check_digits_catch_every_single_digit_typo_in_one_number_exhaustively():
    number = format_receipt_number(2026, 123456789)
    for position, char in enumerate(number):
        if char.isdigit():
            for digit in "0123456789".replace(char, ""):
                assert not is_valid_receipt_number(number[:position] + digit + number[position + 1 :])


@given(bureaus, years, receipt_seqs, st.data())
def test_the_check_digits_catch_a_swap_of_two_adjacent_characters(bureau, year, seq, data):
    number = format_receipt_number(year, seq, bureau)
    body = number.replace("-", "")
    i = data.draw(st.integers(min_value=0, max_value=len(body) - 2).filter(lambda i: body[i] != body[i + 1]))
    swapped = body[:i] + body[i + 1] + body[i] + body[i + 2 :]
    retyped = f"{swapped[:2]}-{swapped[2:6]}-{swapped[6:15]}-{swapped[15:]}"

    assert not is_valid_receipt_number(retyped)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "ON-2026-000000042",
        "on-2026-000000042-00",
        "ON-2026-000000000-" + format_receipt_number(2026, 1)[-2:],
        format_receipt_number(2026, 42) + "\n",
        format_receipt_number(2026, 42).replace("2026", "２０２６"),
    ],
)
def test_malformed_receipt_numbers_are_not_valid(text):
    assert not is_valid_receipt_number(text)


@pytest.mark.parametrize("text", ["P-20260230-00000001", "P-20260301-00000000", "P-2026031-00000001", ""])
def test_malformed_provisional_numbers_do_not_parse(text):
    assert parse_provisional_number(text) is None


@pytest.mark.parametrize(("year", "seq", "bureau"), [(2026, 0, "ON"), (2026, 10**9, "ON"), (2026, 1, "on")])
def test_a_receipt_number_is_never_formatted_from_parts_out_of_range(year, seq, bureau):
    with pytest.raises(ValueError, match="out of range"):
        format_receipt_number(year, seq, bureau)


def test_a_provisional_sequence_past_eight_digits_is_refused_rather_than_wrapped():
    with pytest.raises(ValueError, match="out of range"):
        format_provisional_number(date(2026, 3, 1), 10**8)


def test_the_same_submission_from_the_same_filer_always_maps_to_one_application_id():
    first = application_id_for("sub-1", "filer-1")

    assert first == application_id_for("sub-1", "filer-1")
    assert re.fullmatch(r"app-[a-z2-7]{26}", first)
    assert IDENTIFIER.match(first)


def test_the_same_submission_id_from_another_filer_is_another_application():
    assert application_id_for("sub-1", "filer-1") != application_id_for("sub-1", "filer-2")

"""Application ids, provisional numbers (仮受付番号) and receipt numbers (受付番号).

A provisional number, given when intake receives an application, reads
`P-YYYYMMDD-NNNNNNNN`: the receiving day in Japan and an 8-digit sequence from a
counter kept per day. A receipt number, given at acceptance, reads
`BB-YYYY-NNNNNNNNN-CC`: a two-letter bureau code (`ON` for the online service), the
year of acceptance in Japan, a 9-digit sequence from a counter kept per bureau and
year, and two check digits computed by ISO 7064 MOD 97-10 (the IBAN scheme, letters
counted as A=10 … Z=35) over bureau, year and sequence; it catches every
single-character typo and every swap of two adjacent characters. Numbers are unique
and never reused, even across service instances, because the adapter hands each
sequence out in blocks claimed atomically in MongoDB (a unique insert per block, see
`adapters/number_blocks.py`) under the key given by `provisional_counter_key` or
`receipt_counter_key`; the domain only formats. An application id is `app-` and 26
base32 characters of SHA-256 over `filer_id/submission_id`, so the same submission
from the same filer always names the same application.
"""

import base64
import hashlib
import re
from datetime import date
from typing import Final

ONLINE_BUREAU: Final = "ON"
# ASCII only: a full-width digit typed into a form is not the number we issued.
_PROVISIONAL = re.compile(r"P-([0-9]{8})-([0-9]{8})")
_RECEIPT = re.compile(r"([A-Z]{2})-([0-9]{4})-([0-9]{9})-([0-9]{2})")
_BUREAU = re.compile(r"[A-Z]{2}")
_MAX_PROVISIONAL_SEQ: Final = 10**8 - 1
_MAX_RECEIPT_SEQ: Final = 10**9 - 1


def application_id_for(submission_id: str, filer_id: str) -> str:
    """`/` cannot occur in either id (contracts' Identifier), so the joined text is unambiguous."""
    digest = hashlib.sha256(f"{filer_id}/{submission_id}".encode()).digest()
    return "app-" + base64.b32encode(digest).decode("ascii").lower()[:26]


def provisional_counter_key(day: date) -> str:
    return f"provisional:{day:%Y%m%d}"


def receipt_counter_key(year: int, bureau: str = ONLINE_BUREAU) -> str:
    return f"receipt:{bureau}:{year:04d}"


def format_provisional_number(day: date, seq: int) -> str:
    """Raises ValueError on a sequence out of range: the counter is exhausted, never wrap around."""
    if not 1 <= seq <= _MAX_PROVISIONAL_SEQ:
        raise ValueError(f"provisional sequence out of range: {seq}")
    return f"P-{day:%Y%m%d}-{seq:08d}"


def parse_provisional_number(text: str) -> tuple[date, int] | None:
    """The day and sequence of a well-formed provisional number, else None."""
    match = _PROVISIONAL.fullmatch(text)
    if match is None:
        return None
    digits, seq = match.groups()
    try:
        day = date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
    except ValueError:
        return None
    return (day, int(seq)) if int(seq) >= 1 else None


def format_receipt_number(year: int, seq: int, bureau: str = ONLINE_BUREAU) -> str:
    if not _BUREAU.fullmatch(bureau) or not 1 <= year <= 9999 or not 1 <= seq <= _MAX_RECEIPT_SEQ:
        raise ValueError(f"receipt number parts out of range: {bureau!r} {year} {seq}")
    body = f"{bureau}{year:04d}{seq:09d}"
    return f"{bureau}-{year:04d}-{seq:09d}-{_check_digits(body):02d}"


def parse_receipt_number(text: str) -> tuple[str, int, int] | None:
    """Bureau, year and sequence of a well-formed receipt number whose check digits hold, else None."""
    match = _RECEIPT.fullmatch(text)
    if match is None:
        return None
    bureau, year, seq, check = match.groups()
    if _mod97(f"{bureau}{year}{seq}{check}") != 1 or int(seq) == 0:
        return None
    return bureau, int(year), int(seq)


def is_valid_receipt_number(text: str) -> bool:
    return parse_receipt_number(text) is not None


def _check_digits(body: str) -> int:
    return 98 - _mod97(body + "00")


def _mod97(text: str) -> int:
    """ISO 7064 MOD 97-10 remainder, letters read as two-digit numbers (A=10 … Z=35)."""
    return int("".join(str(int(char, 36)) for char in text)) % 97

"""Keeps personal data out of log lines.

Two nets, because one is not enough: fields whose *name* says they hold personal
data are replaced whole, and every remaining string is scanned for values that
*look* like personal data (e-mail addresses, residence-card numbers, My Number,
passport numbers, dates of any year and spelling, quoted values of personal
fields) — exception texts, reprs and free-form messages included.
"""

import re
from collections.abc import Mapping, MutableMapping
from typing import Any

REDACTED = "[redacted]"

SENSITIVE_KEYS = frozenset(
    {
        "name",
        "filer_name",
        "applicant_name",
        "holder_name",
        "name_kana",
        "email",
        "filer_email",
        "applicant_email",
        "recipients",
        "to",
        "address",
        "date_of_birth",
        "dob",
        "birth_date",
        "residence_card_number",
        "passport_number",
        "my_number",
        "authorization",
        "token",
        "password",
        "applicant",
        "filer",
        "staff",
    }
)

_QUOTED_KEYS = SENSITIVE_KEYS | {"input_value"}
"""Keys whose quoted value is masked inside free text too: a model's repr (`name='...'`), a JSON text, or
pydantic's own error text (`input_value='...'`), as an exception's message or a traceback may show them."""

_ERA = r"(?:明治|大正|昭和|平成|令和)"
_PATTERNS = (
    re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}"),  # e-mail address
    re.compile(r"\b[A-Z]{2}\d{8}[A-Z]{2}\b"),  # residence card number
    re.compile(r"(?<!\d)\d{4}[ -]?\d{4}[ -]?\d{4}(?!\d)"),  # My Number (12 digits)
    re.compile(r"\b[A-Z]{1,2}\d{7,8}\b"),  # passport number
    # A date could be a date of birth, of any year. A letter or digit beside it means something else: an ISO
    # timestamp (`2026-12-07T21:39:31Z`, which operators need) is kept, so is an id with a date in it.
    re.compile(r"(?<![0-9A-Za-z])(?:\d{4}([-/.])\d{1,2}\1\d{1,2}|\d{1,2}([-/.])\d{1,2}\2\d{4})(?![0-9A-Za-z])"),
    re.compile(r"(?<![0-9A-Za-z])[MTSHR] ?\d{1,2}([-/.])\d{1,2}\1\d{1,2}(?![0-9A-Za-z])"),  # H2.4.1: an era's initial
    re.compile(r"(?i)bearer\s+[A-Za-z0-9._~+/-]+=*"),  # bearer token
)
_GUARDED = (  # patterns worth running only when a character they need is there: most text has none
    ("年", re.compile(r"(?:\d{4}|" + _ERA + r"\s*(?:\d{1,2}|元))\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日")),  # 平成2年4月1日
    ("datetime.", re.compile(r"datetime\.(?:date|datetime)\(\s*\d+\s*,\s*\d+\s*,\s*\d+[^)]*\)")),  # a repr
)
_QUOTED = re.compile(
    r"(?i)\b(" + "|".join(sorted(_QUOTED_KEYS, key=len, reverse=True)) + r""")(['"]?\s*[:=]\s*)(?:'[^']*'|"[^"]*")"""
)


def redact_text(text: str) -> str:
    if "'" in text or '"' in text:
        text = _QUOTED.sub(rf"\1\2{REDACTED}", text)
    for pattern in _PATTERNS:
        text = pattern.sub(REDACTED, text)
    for needed, pattern in _GUARDED:
        if needed in text:
            text = pattern.sub(REDACTED, text)
    return text


def redact(value: Any, key: str | None = None) -> Any:
    if key is not None and key.lower() in SENSITIVE_KEYS:
        return REDACTED
    if isinstance(value, str):
        return redact_text(value)
    if isinstance(value, Mapping):
        return {k: redact(v, str(k)) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [redact(v) for v in value]
    return value


def redact_processor(_logger: Any, _method: str, event_dict: MutableMapping[str, Any]) -> dict[str, Any]:
    """structlog processor: runs after exceptions are formatted, before rendering."""
    return {k: redact(v, k if k != "event" else None) for k, v in event_dict.items()}

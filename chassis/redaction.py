"""Keeps personal data out of log lines.

Two nets, because one is not enough: fields whose *name* says they hold personal
data are replaced whole, and every remaining string is scanned for values that
*look* like personal data (e-mail addresses, residence-card numbers, My Number,
passport numbers, dates) — exception texts and free-form messages included.
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

_PATTERNS = (
    re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}"),  # e-mail address
    re.compile(r"\b[A-Z]{2}\d{8}[A-Z]{2}\b"),  # residence card number
    re.compile(r"(?<!\d)\d{4}[ -]?\d{4}[ -]?\d{4}(?!\d)"),  # My Number (12 digits)
    re.compile(r"\b[A-Z]{1,2}\d{7,8}\b"),  # passport number
    re.compile(r"\b(?:19|20)\d{2}-\d{2}-\d{2}\b"),  # a date: could be a date of birth
    re.compile(r"(?i)bearer\s+[A-Za-z0-9._~+/-]+=*"),  # bearer token
)


def redact_text(text: str) -> str:
    for pattern in _PATTERNS:
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

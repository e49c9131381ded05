"""Text that may reach a person is one line of visible text, and links are https.

Every free-text field of the contracts refuses control characters (Unicode Cc, the line
breaks too: every such field is printed inline), format characters (Cf: bidirectional
overrides, isolates and marks, zero-width characters, the byte-order mark, tags) and the
Unicode line and paragraph separators, naming the field. What Japanese text needs stays
accepted, variation selectors included (they are marks, Mn, not format characters).
"""

import sys
import unicodedata
from typing import Any

import pytest
from pydantic import BaseModel, TypeAdapter, ValidationError

from contracts.application import Application, HttpsUrl, PlainText
from contracts.eligibility import Reason
from contracts.examination import CoeIssued, DocumentsRequested
from contracts.intake import Parties
from contracts.organisations import ApprovalRevoked, StaffMember

APPLICATION = {
    "submission_id": "sub-1",
    "filer": {"filer_id": "staff-1", "category": "organisation_staff", "name": "担当 太郎", "email": "t@example.jp"},
    "applicant": {
        "name": "NGUYEN VAN AN",
        "nationality": "VNM",
        "date_of_birth": "1995-04-01",
        "address": "東京都千代田区霞が関1-1-1",
        "passport_number": "C01234567",
    },
    "form": {
        "procedure": "extension_of_stay",
        "attachments": [{"document_type": "photo", "file_name": "photo.jpg", "size_bytes": 1, "sha256": "a" * 64}],
    },
    "submitted_at": "2026-11-25T09:00:00+09:00",
}
PARTIES = {"filer_id": "f-1", "filer_name": "担当 太郎", "filer_email": "t@example.jp", "language": "ja",
           "applicant_name": "NGUYEN VAN AN"}  # fmt: skip
DOCUMENTS = {"application_id": "app-1", "receipt_number": "ON-1", "documents": ["住民票"], "due_on": "2026-12-01",
             "requested_at": "2026-11-25T09:00:00Z"}  # fmt: skip
COE = {"application_id": "app-1", "certificate_number": "COE-1", "holder_name": "NGUYEN VAN AN",
       "status": {"code": "student"}, "issued_on": "2026-11-25",
       "registration_url": "https://example.go.jp/coe/register?id=COE-1&lang=en"}  # fmt: skip
STAFF = {"staff_id": "s-1", "name": "山田 花子", "email": "h@example.jp"}
REVOKED = {"approval_id": "a-1", "organisation_id": "o-1", "revoked_on": "2026-11-25", "reason": "虚偽の届出"}
REASON = {"code": "r-1", "message_ja": "在留期限を過ぎています。", "message_en": "The period of stay has expired."}

FREE_TEXT: list[tuple[type[BaseModel], dict[str, Any], tuple[str | int, ...]]] = [
    (Application, APPLICATION, ("filer", "name")),
    (Application, APPLICATION, ("applicant", "name")),
    (Application, APPLICATION, ("applicant", "address")),
    (Application, APPLICATION, ("applicant", "passport_number")),
    (Application, APPLICATION, ("form", "attachments", 0, "file_name")),
    (Parties, PARTIES, ("filer_name",)),
    (Parties, PARTIES, ("applicant_name",)),
    (DocumentsRequested, DOCUMENTS, ("documents", 0)),
    (CoeIssued, COE, ("holder_name",)),
    (StaffMember, STAFF, ("name",)),
    (ApprovalRevoked, REVOKED, ("reason",)),
    (Reason, REASON, ("message_ja",)),
    (Reason, REASON, ("message_en",)),
]
DISGUISES = {
    "NUL": "\x00",
    "newline": "\n",
    "carriage return": "\r",
    "tab": "\t",
    "escape": "\x1b",
    "next line (C1)": "\x85",
    "right-to-left override": "\u202e",
    "left-to-right embedding": "\u202a",
    "first-strong isolate": "\u2068",
    "pop directional isolate": "\u2069",
    "right-to-left mark": "\u200f",
    "Arabic letter mark": "\u061c",
    "byte-order mark": "\ufeff",
    "zero-width space": "\u200b",
    "zero-width joiner": "\u200d",
    "soft hyphen": "\u00ad",
    "tag latin small a": "\U000e0061",
    "line separator": "\u2028",
    "paragraph separator": "\u2029",
}


def with_value(document: Any, path: tuple[str | int, ...], value: str) -> Any:
    """A copy of the JSON-like `document` with `value` at `path`."""
    if not path:
        return value
    head, rest = path[0], path[1:]
    if isinstance(document, list):
        return [with_value(d, rest, value) if i == head else d for i, d in enumerate(document)]
    return {**document, head: with_value(document[head], rest, value)}


def field_id(value: object) -> str | None:
    return ".".join(map(str, value)) if isinstance(value, tuple) else None


@pytest.mark.parametrize(("model", "valid", "path"), FREE_TEXT, ids=field_id)
def test_the_samples_are_valid(model: type[BaseModel], valid: dict[str, Any], path: tuple[str | int, ...]) -> None:
    model.model_validate(valid)


@pytest.mark.parametrize("disguise", DISGUISES.values(), ids=DISGUISES.keys())
@pytest.mark.parametrize(("model", "valid", "path"), FREE_TEXT, ids=field_id)
def test_every_free_text_field_refuses_what_could_disguise_it_and_names_the_field(
    model: type[BaseModel], valid: dict[str, Any], path: tuple[str | int, ...], disguise: str
) -> None:
    with pytest.raises(ValidationError) as refused:
        model.model_validate(with_value(valid, path, f"inv{disguise}oice.pdf"))

    [error] = refused.value.errors(include_url=False)
    assert error["loc"] == path
    assert error["type"] == "string_pattern_mismatch"


@pytest.mark.parametrize(
    "text",
    [
        "山田 太郎",
        "髙橋　一郎",  # full-width space
        "葛\U000e0100飾 花子",  # an ideographic variation selector (Mn) picks the registered glyph
        "ﾔﾏﾀﾞ ﾀﾛｳ",
        "渡邊・ジョン",
        "NGUYEN VAN AN",
        "Zoë O'Brien-Łukasiewicz",
        "محمد",
        "在留期限を過ぎています（特例期間を含む）。",
        "申請書 (2026-11).pdf",
    ],
)
def test_the_text_people_write_is_accepted(text: str) -> None:
    assert TypeAdapter(PlainText).validate_python(text) == text


def test_every_control_format_and_separator_character_is_refused() -> None:
    refused = [chr(c) for c in range(sys.maxunicode + 1) if unicodedata.category(chr(c)) in ("Cc", "Cf", "Zl", "Zp")]
    text = TypeAdapter(PlainText)
    accepted = []
    for character in refused:
        try:
            text.validate_python(f"a{character}b")
            accepted.append(f"U+{ord(character):04X}")
        except ValidationError:
            pass
    assert len(refused) > 200
    assert accepted == []


@pytest.mark.parametrize(
    "url",
    [
        "https://example.go.jp/coe/register?id=COE-2026-000123&lang=en",
        "https://www.moj.go.jp",
        "https://coe.example.go.jp:8443/r/%E7%99%BB%E9%8C%B2#top",
    ],
)
def test_an_https_url_is_accepted(url: str) -> None:
    assert TypeAdapter(HttpsUrl).validate_python(url) == url


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JavaScript:alert(document.cookie)//https://example.go.jp",
        "data:text/html,<script>alert(1)</script>",
        "http://example.go.jp/coe/register",
        "//example.go.jp/coe/register",
        "https://",
        "https:///path",
        "https://www.moj.go.jp@evil.example/",  # the part before @ is only a user name
        "https://www.moj.go.jp\\@evil.example/",
        "https://example.go.jp/a b",
        'https://example.go.jp/"onmouseover="alert(1)',
        "https://example.go.jp/<script>",
        "https://example.go.jp/\u202egpj.exe",
        "https://example.go.jp/\nSee: https://evil.example",
        " https://example.go.jp/",
        "https://example.go.jp/" + "a" * 2048,
    ],
)
def test_anything_but_an_https_url_is_refused(url: str) -> None:
    with pytest.raises(ValidationError):
        TypeAdapter(HttpsUrl).validate_python(url)


def test_a_coe_with_a_javascript_registration_url_is_refused_naming_the_field() -> None:
    with pytest.raises(ValidationError) as refused:
        CoeIssued.model_validate({**COE, "registration_url": "javascript:alert(1)"})

    assert [e["loc"] for e in refused.value.errors()] == [("registration_url",)]

"""Value types of an application, shared by every event that carries one.

Codes are stable ASCII strings; Japanese and English labels live with the services
that show them. Statuses of residence are plain string codes (see
`STATUS_OF_RESIDENCE_CODES`) rather than an enum, because the law adds statuses
and a reader must not reject a code it does not know yet.
"""

from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Final, Literal

from pydantic import Field, StringConstraints

from contracts.base import Payload

Language = Literal["ja", "en"]
Sha256Hex = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]
Identifier = Annotated[str, StringConstraints(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9._:-]+$")]
PLAIN_TEXT_PATTERN: Final = r"^[^\p{Cc}\p{Cf}\p{Zl}\p{Zp}]*$"
PlainText = Annotated[str, StringConstraints(pattern=PLAIN_TEXT_PATTERN)]
"""Free text that may reach a person (a name, an address, a file name, a reason): one line of visible text.

Refused, anywhere in the text: control characters (Unicode Cc: NUL, escape, and the line
breaks too: every such field is printed inline, where a line break could forge a line of
a notice or of a mail header), every format character (Cf: bidirectional overrides,
embeddings, isolates and marks such as U+202E, U+2066-U+2069, U+200E/F and U+061C; the
byte-order mark; zero-width spaces and joiners; soft hyphens; tag characters), and the
line and paragraph separators (Zl, Zp). Japanese text needs none of them; the variation
selectors that pick a name's registered kanji glyph are marks (Mn) and stay accepted.
Lone surrogates never get this far: no JSON parser or str validator lets them through.
The pattern names Unicode categories (`\\p{Cf}`), as JSON Schema's regular expressions
(ECMA-262 with the `u` flag) and pydantic's engine read them; Python's `re` cannot."""
ShortText = Annotated[PlainText, StringConstraints(min_length=1, max_length=200)]
_HOST = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*"
_URL_REST = r"[A-Za-z0-9._~:/?#\[\]@!$&'()*+,;=%-]*"
HttpsUrl = Annotated[
    str,
    StringConstraints(max_length=2048, pattern=rf"^https://{_HOST}(?::[0-9]{{1,5}})?(?:[/?#]{_URL_REST})?$"),
    Field(json_schema_extra={"format": "uri"}),
]
"""An address a notice may link to: `https://`, a host name, then only the characters RFC 3986
allows unescaped. No other scheme (`javascript:`, `data:`, `http:`), no user name before the
host (`https://www.moj.go.jp@evil.example/` goes to evil.example), no spaces or quotes."""
_LOCAL_PART = r"[^@\s<>\"(),:;\[\]\\]+"
_DOMAIN_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
EmailAddress = Annotated[
    str,
    StringConstraints(max_length=254, pattern=rf"^{_LOCAL_PART}@{_DOMAIN_LABEL}(?:\.{_DOMAIN_LABEL})+$"),
    Field(json_schema_extra={"format": "email"}),
]
"""An e-mail address, checked by shape only: a full RFC 5322/IDNA validation costs a third of a
millisecond per address, more than the rest of an event's decoding. The mail server has the last word."""


class FilerCategory(StrEnum):
    """The seven kinds of filer (利用者区分)."""

    ORGANISATION_STAFF = "organisation_staff"  # 所属機関の職員
    LAWYER_OR_SCRIVENER = "lawyer_or_scrivener"  # 弁護士・行政書士
    PUBLIC_INTEREST_CORPORATION = "public_interest_corporation"  # 公益法人の職員
    REGISTERED_SUPPORT_ORGANISATION = "registered_support_organisation"  # 登録支援機関の職員
    FOREIGN_NATIONAL = "foreign_national"  # 外国人本人
    LEGAL_REPRESENTATIVE = "legal_representative"  # 法定代理人
    RELATIVE = "relative"  # 親族


class Procedure(StrEnum):
    """What may be filed (申請種別)."""

    CERTIFICATE_OF_ELIGIBILITY = "certificate_of_eligibility"  # 在留資格認定証明書交付申請
    CHANGE_OF_STATUS = "change_of_status"  # 在留資格変更許可申請
    EXTENSION_OF_STAY = "extension_of_stay"  # 在留期間更新許可申請
    ACQUISITION_OF_STATUS = "acquisition_of_status"  # 在留資格取得許可申請
    EMPLOYMENT_CERTIFICATE = "employment_certificate"  # 就労資格証明書交付申請
    REENTRY_PERMIT = "reentry_permit"  # 再入国許可申請
    EXTRA_ACTIVITY_PERMISSION = "extra_activity_permission"  # 資格外活動許可申請


class ReceiptMethod(StrEnum):
    """How the result is received."""

    COUNTER = "counter"
    POST = "post"
    EMAIL = "email"  # electronic COE, since 2023-03-17


class Relationship(StrEnum):
    SPOUSE = "spouse"
    CHILD = "child"
    PARENT = "parent"
    PARENT_WITH_CUSTODY = "parent_with_custody"
    GUARDIAN = "guardian"


STATUS_OF_RESIDENCE_CODES: dict[str, str] = {
    "diplomat": "外交",
    "official": "公用",
    "professor": "教授",
    "artist": "芸術",
    "religious_activities": "宗教",
    "journalist": "報道",
    "highly_skilled_professional": "高度専門職",
    "business_manager": "経営・管理",
    "legal_accounting_services": "法律・会計業務",
    "medical_services": "医療",
    "researcher": "研究",
    "instructor": "教育",
    "engineer_humanities_international": "技術・人文知識・国際業務",
    "intra_company_transferee": "企業内転勤",
    "nursing_care": "介護",
    "entertainer": "興行",
    "skilled_labor": "技能",
    "specified_skilled_worker": "特定技能",
    "technical_intern_training": "技能実習",
    "cultural_activities": "文化活動",
    "temporary_visitor": "短期滞在",
    "student": "留学",
    "trainee": "研修",
    "dependent": "家族滞在",
    "designated_activities": "特定活動",
    "spouse_or_child_of_japanese_national": "日本人の配偶者等",
    "spouse_or_child_of_permanent_resident": "永住者の配偶者等",
    "long_term_resident": "定住者",
    "permanent_resident": "永住者",
}
"""Known status-of-residence codes with their Japanese names. Which are in scope is eligibility's data."""


class StatusOfResidence(Payload):
    """A status of residence, with the sub-type some statuses need to be judged."""

    code: Identifier
    # 技能実習: "company" (企業単独型) or "supervised" (団体監理型); 特定活動: the notice number or
    # "departure_preparation" (出国準備期間); otherwise unset.
    subtype: Identifier | None = None


class Filer(Payload):
    """Who files: the authenticated user of the online system."""

    filer_id: Identifier
    category: FilerCategory
    name: ShortText
    email: EmailAddress
    language: Language = "ja"
    organisation_id: Identifier | None = None
    """The filer's own organisation (categories 1-4)."""
    acting_for_organisation_id: Identifier | None = None
    """The receiving organisation a public-interest corporation or support organisation acts for."""
    intermediary_id: Identifier | None = None
    """Intermediary (申請等取次者) certificate or notification number, for categories 1-4."""
    my_number_card_verified_at: datetime | None = None
    """When the filer's My Number card was verified (individuals); the number itself is never sent."""
    relationship: Relationship | None = None
    """For legal representatives and relatives: their relation to the applicant."""
    filing_from_abroad: bool = False


class Applicant(Payload):
    """The foreign national the application is for. Personal data: never logged."""

    name: ShortText
    nationality: Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")]
    date_of_birth: date
    email: EmailAddress | None = None
    address: Annotated[PlainText, StringConstraints(max_length=300)] | None = None
    residence_card_number: Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}[0-9]{8}[A-Z]{2}$")] | None = None
    passport_number: Annotated[PlainText, StringConstraints(min_length=5, max_length=20)] | None = None
    in_japan: bool = True
    current_status: StatusOfResidence | None = None
    period_of_stay_days: Annotated[int, Field(gt=0, le=3660)] | None = None
    """Length of the current period of stay in days (3 months = 90)."""
    stay_expires_on: date | None = None
    unable_through_illness: bool = False


class Attachment(Payload):
    """A document sent with the application, described by metadata only."""

    document_type: Identifier
    file_name: Annotated[PlainText, StringConstraints(min_length=1, max_length=255)]
    size_bytes: Annotated[int, Field(gt=0, le=25 * 1024 * 1024)]
    sha256: Sha256Hex


class ApplicationForm(Payload):
    """What is asked for."""

    procedure: Procedure
    accompanying: tuple[Procedure, ...] = ()
    """Re-entry or extra-activity permission filed together with the main procedure."""
    requested_status: StatusOfResidence | None = None
    receipt_method: ReceiptMethod = ReceiptMethod.COUNTER
    receiving_organisation_id: Identifier | None = None
    """The company, school or supervising body in Japan that hosts the applicant."""
    attachments: tuple[Attachment, ...] = ()


class Application(Payload):
    """One application as submitted, whichever the channel."""

    submission_id: Identifier
    """The submitter's own id for this submission; intake creates at most one application per id."""
    filer: Filer
    applicant: Applicant
    form: ApplicationForm
    submitted_at: datetime

"""Bodies of the share-code routes: what the filer sees of its codes, and all a third party sees."""

from datetime import date, datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from services.intake.domain.share_codes import Answer, CheckOutcome, ShareCodeState


class ShareCodeView(BaseModel):
    share_code_id: str
    created_at: datetime
    expires_at: datetime
    revoked_at: datetime | None = None
    state: ShareCodeState


class ShareCodeCreated(ShareCodeView):
    code: str
    """Shown this once: intake keeps only its hash. Give it, with the applicant's date of birth, to whoever checks."""


class ShareCodeList(BaseModel):
    share_codes: list[ShareCodeView]


class CheckRecord(BaseModel):
    at: datetime
    outcome: CheckOutcome


class CheckList(BaseModel):
    """Every check made with the code, oldest first: when, and what came of it (never who or what was sent)."""

    checks: list[CheckRecord]


class CheckRequest(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    code: Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[0-9A-Za-z -]+$")]
    """The share code as given (case, spaces and hyphens do not matter)."""
    date_of_birth: date
    """The applicant's date of birth."""


class CheckResult(BaseModel):
    """`pending` (with `filed_on` and, where one applies, `special_period_ends_on`), `decided` (with
    `decided_on`) or `no_match`: nothing else about the application or the applicant."""

    answer: Answer
    filed_on: date | None = None
    special_period_ends_on: date | None = None
    decided_on: date | None = None

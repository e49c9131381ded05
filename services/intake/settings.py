"""Intake's settings, read from the environment (names are the field names in upper case).

The JWT key is checked at start-up, not here, so that tooling which only builds the
app (the AsyncAPI generator) needs no real key.
"""

from datetime import timedelta

from pydantic import Field, SecretStr, model_validator

from chassis.settings import ServiceSettings
from contracts.application import FilerCategory
from services.intake.domain.filing_window import FilingWindow
from services.intake.domain.rate_limit import RateLimit, limit_for
from services.intake.domain.share_codes import MissLimits

ORGANISATION_API_CATEGORIES = (
    FilerCategory.ORGANISATION_STAFF,
    FilerCategory.LAWYER_OR_SCRIVENER,
    FilerCategory.PUBLIC_INTEREST_CORPORATION,
    FilerCategory.REGISTERED_SUPPORT_ORGANISATION,
)

BATCH_ROUTE = "POST /v1/applications:batch"
DEFAULT_RATE_LIMITS = {
    "*": RateLimit(rate=10, burst=20),
    BATCH_ROUTE: RateLimit(rate=10, burst=100),
}


class IntakeSettings(ServiceSettings):
    jwt_public_key: str | None = None
    """PEM text of the RSA or EC public key (RS256/ES256), or the path of a PEM file."""
    jwt_secret: SecretStr | None = None
    """HS256 shared secret, for development only."""
    jwt_issuer: str = "residence-online"
    jwt_audience: str = "intake"
    jwt_leeway_seconds: int = Field(30, ge=0)
    api_filer_categories: tuple[FilerCategory, ...] = ORGANISATION_API_CATEGORIES
    """Who may call the HTTP API: organisations' systems and scriveners; individuals file through a portal."""

    api_max_body_bytes: int = Field(256 * 1024, ge=1024)
    api_max_batch_items: int = Field(100, ge=1, le=1000)
    api_commits_in_flight: int = Field(2, ge=1, le=64)
    """HTTP submissions stored and published at once (`handlers/group_commit.py`); requests arriving while
    this many run wait and go out together, as one batch."""
    api_commit_max_items: int = Field(500, ge=1, le=10_000)
    """Most submissions one shared commit of HTTP requests takes (a larger batch request goes alone)."""
    idempotency_lease_seconds: float = Field(60.0, gt=0)
    """A claimed Idempotency-Key without a result is taken over after this long (its request died)."""
    publish_timeout_seconds: float = Field(5.0, gt=0)
    """How long an HTTP request waits for the broker before answering; the relay publishes later."""

    submitted_at_max_ahead_seconds: float = Field(300.0, ge=0)
    """How far a submission's `submitted_at` may lie ahead of intake's clock: clocks that keep time by NTP
    disagree by well under a second, so 5 minutes (the skew Kerberos tolerates by default) only forgives a
    badly set clock. A later filing time is refused (HTTP 422, or the portal record dead-lettered)."""
    submitted_at_max_age_days: float = Field(30.0, gt=0)
    """How long before intake receives it a submission may have been filed. Portals publish late: an outbox
    stuck over Japan's longest holidays (New Year, Golden Week: up to 10 days) and repaired after them is
    caught up well within 30 days. Yet a filing that keeps a stay alive (the special period, two months from
    the stay's expiry) must reach the applicant's proof of it while that still helps; and the older a time,
    the less intake can vouch for it. A refused portal record stays on the dead-letter topic, to be
    published again once the cause is cleared."""

    number_prefetch: int = Field(20, ge=1, le=10_000)
    """Numbers an instance claims at once and hands out from memory; those it holds when it stops are skipped."""

    outbox_relay_interval_seconds: float = Field(1.0, gt=0)
    outbox_grace_seconds: float = Field(2.0, ge=0)
    """Pending entries younger than this are left to the writer that is publishing them."""
    outbox_relay_batch_size: int = Field(500, ge=1)

    share_code_valid_days: float = Field(30.0, gt=0, le=366)
    """How long a share code answers checks after it is created (a revoked one stops at once)."""
    share_code_lock_after_misses: int = Field(5, ge=1, le=100)
    """Wrong attempts with one code, ever, after which it is locked (the filer makes a new one)."""
    share_check_misses_per_code: int = Field(3, ge=1, le=1000)
    share_check_misses_per_client: int = Field(10, ge=1, le=1000)
    """Wrong attempts with one code, and from one client, in each `share_check_window_seconds`."""
    share_check_window_seconds: float = Field(900.0, gt=0)
    share_check_client_header: str | None = None
    """The header the proxy in front of intake sets to the caller's address (`X-Real-IP`, say); unset, the
    client is the connection's peer. Set it only behind such a proxy: callers could write it themselves."""
    rate_limits: dict[str, RateLimit] = Field(default_factory=lambda: dict(DEFAULT_RATE_LIMITS))
    """Requests a filer may make per route: `{"<METHOD> <path template>": {"rate": <per second>, "burst": <n>}}`,
    with `"*"` for every route not named (a route named by neither is not limited). A batch counts its items, so
    its burst must hold the largest batch. Shared by every instance through the database."""
    rate_limit_purge_interval_seconds: float = Field(60.0, gt=0)
    """How often each instance deletes the limiter's ended windows (FerretDB has no TTL indexes)."""

    @model_validator(mode="after")
    def _batches_fit_their_limit(self) -> "IntakeSettings":
        batch = limit_for(self.rate_limits, BATCH_ROUTE)
        if batch is not None and batch.burst < self.api_max_batch_items:
            raise ValueError(
                f"RATE_LIMITS: the batch route's burst ({batch.burst}) must hold API_MAX_BATCH_ITEMS "
                f"({self.api_max_batch_items}): a batch counts its items"
            )
        return self

    def filing_window(self) -> FilingWindow:
        return FilingWindow(
            max_ahead=timedelta(seconds=self.submitted_at_max_ahead_seconds),
            max_age=timedelta(days=self.submitted_at_max_age_days),
        )

    def share_check_limits(self) -> MissLimits:
        return MissLimits(
            lock_after=self.share_code_lock_after_misses,
            per_code=self.share_check_misses_per_code,
            per_client=self.share_check_misses_per_client,
            window=timedelta(seconds=self.share_check_window_seconds),
        )

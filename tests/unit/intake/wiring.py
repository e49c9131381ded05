"""Intake's use cases and HTTP API wired to the in-memory fakes, the way app.py wires the real adapters."""

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from fastapi import FastAPI

from contracts.application import Applicant, Application, ApplicationForm, Filer, FilerCategory, Procedure
from services.intake.adapters.api.auth import TokenVerifier
from services.intake.adapters.api.documents_answer import documents_router
from services.intake.adapters.api.idempotency import Idempotency
from services.intake.adapters.api.rate_limit import RateLimiter
from services.intake.adapters.api.routes import ApiDeps, api_router
from services.intake.handlers.concurrency import ApplicationLocks
from services.intake.handlers.filer_access import FilerAccess
from services.intake.handlers.group_commit import GroupCommit
from services.intake.handlers.outbox import Flusher, OutboxRelay
from services.intake.handlers.progress import ApplyProgress
from services.intake.handlers.submit import SubmitApplications
from services.intake.settings import IntakeSettings
from services.intake.tokens import issue

from .fakes import NOW, Clock, FakeApplications, FakeIdempotencyKeys, FakeNumbers, FakePublisher, FakeSlots

SECRET = "unit-test-secret-of-at-least-32-bytes!"


def settings(**overrides: Any) -> IntakeSettings:
    values: dict[str, Any] = {
        "kafka_bootstrap_servers": "unused:9092",
        "mongodb_uri": "mongodb://unused",
        "jwt_secret": SECRET,
        "api_max_body_bytes": 4096,
        "api_max_batch_items": 3,
        # The clock stands still, so every request of a test falls in one window: test_rate_limit sets its own.
        "rate_limits": {"*": {"rate": 1000, "burst": 1000}},
        **overrides,
    }
    return IntakeSettings(**values)


@dataclass
class Intake:
    clock: Clock = field(default_factory=Clock)
    applications: FakeApplications = field(default_factory=FakeApplications)
    numbers: FakeNumbers = field(default_factory=FakeNumbers)
    publisher: FakePublisher = field(default_factory=FakePublisher)
    keys: FakeIdempotencyKeys = field(default_factory=FakeIdempotencyKeys)
    slots: FakeSlots = field(default_factory=FakeSlots)

    def __post_init__(self) -> None:
        self.applications.clock = self.clock
        self.flush = Flusher(self.applications, self.publisher)
        self.locks = ApplicationLocks()
        self.window = settings().filing_window()
        self.submit = SubmitApplications(
            self.applications, self.numbers, self.clock, self.flush, self.locks, window=self.window
        )
        self.progress = ApplyProgress(self.applications, self.numbers, self.clock, self.flush, self.locks)
        self.relay = OutboxRelay(
            self.applications, self.flush, self.clock, self.locks, grace=timedelta(seconds=2), batch=2
        )

    def api(self, **overrides: Any) -> FastAPI:
        config = settings(**overrides)
        self.group = GroupCommit(
            self.submit, in_flight=config.api_commits_in_flight, max_items=config.api_commit_max_items
        )
        deps = ApiDeps(
            settings=config,
            submit=self.group,
            access=FilerAccess(self.applications, self.progress, self.clock),
            idempotency=Idempotency(self.keys, self.clock, timedelta(seconds=60)),
            verifier=TokenVerifier(config),
            clock=self.clock,
            limiter=RateLimiter(self.slots, config.rate_limits, self.clock),
        )
        app = FastAPI()
        app.include_router(api_router(deps))
        app.include_router(documents_router(deps))
        return app


def token(sub: str = "staff-1", category: str = "organisation_staff", **claims: Any) -> str:
    base = {
        "sub": sub,
        "category": category,
        "name": "担当 太郎",
        "email": "tanto@example.co.jp",
        "org": "org-1",
        "iss": "residence-online",
        "aud": "intake",
    }
    ttl = claims.pop("ttl", 3600)
    return issue({**base, **claims}, secret=SECRET, ttl=ttl)


def bearer(sub: str = "staff-1", **claims: Any) -> dict[str, str]:
    return {"Authorization": f"Bearer {token(sub, **claims)}"}


def submission_body(submission_id: str = "sub-1", **form: Any) -> dict[str, Any]:
    return {
        "submission_id": submission_id,
        "applicant": {
            "name": "NGUYEN VAN AN",
            "nationality": "VNM",
            "date_of_birth": "1995-04-01",
            "email": "an@example.com",
            "stay_expires_on": "2026-06-30",
            "period_of_stay_days": 365,
        },
        "form": {"procedure": "extension_of_stay", **form},
    }


def an_application(submission_id: str = "sub-1", filer_id: str = "staff-1", name: str = "NGUYEN VAN AN") -> Application:
    return Application(
        submission_id=submission_id,
        filer=Filer(
            filer_id=filer_id,
            category=FilerCategory.ORGANISATION_STAFF,
            name="担当 太郎",
            email="tanto@example.co.jp",
            organisation_id="org-1",
        ),
        applicant=Applicant(
            name=name,
            nationality="VNM",
            date_of_birth=date(1995, 4, 1),
            stay_expires_on=date(2026, 6, 30),
            period_of_stay_days=365,
        ),
        form=ApplicationForm(procedure=Procedure.EXTENSION_OF_STAY),
        submitted_at=NOW,
    )

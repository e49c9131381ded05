"""Composition root of the intake service: what it consumes, what it produces, and how it is wired.

Consumes:
- portal.application-submitted.v1: a submission becomes an application (status submitted, provisional number);
  one that cannot (a reused submission id, attachments over 25 MB, a filing time outside the window) is
  dead-lettered with the reason
- eligibility.application-assessed.v1: accepted with a receipt number, or not eligible online
- examination.documents-requested / documents-submitted / decision-made / coe-issued / card-dispatched /
  result-delivered (.v1): the examination's steps move the status
- notification.notice-sent.v1: a note on the timeline
HTTP (/v1, bearer JWT): submit one or a batch, read status and timeline, proof of a pending application, withdraw,
  answer a documents request;
  share codes (create, list, revoke, their checks), and the public check of a share code (no token);
  each filer limited per route (RATE_LIMITS: 429 with Retry-After), the limit shared through the database.
Metrics: the outbox's backlog (outbox_pending_events, outbox_oldest_pending_age_seconds) beside the chassis's.
Produces (each keyed by application id, through the outbox in the application's document):
- intake.application-received.v1, intake.application-accepted.v1, intake.application-not-eligible.v1,
  intake.application-withdrawn.v1, intake.application-status-changed.v1, intake.documents-submitted-online.v1
Owns: the `intake` database: applications (with their outboxes), number_blocks, idempotency_keys, share_codes
  (with share_code_hashes, share_code_checks, share_check_slots), rate_limit_slots (the limiter's windows,
  purged once ended); the
  chassis's parked_records (examination events that came before the status they need).
"""

import functools
from collections.abc import Callable
from datetime import timedelta

from chassis import mongo
from chassis.clock import Clock, SystemClock
from chassis.service import Service
from contracts import topics as t
from services.intake.adapters import number_blocks, repository
from services.intake.adapters.api.auth import TokenVerifier
from services.intake.adapters.api.documents_answer import documents_router
from services.intake.adapters.api.idempotency import Idempotency
from services.intake.adapters.api.rate_limit import RateLimiter
from services.intake.adapters.api.routes import ApiDeps, api_router
from services.intake.adapters.api.share_codes import ShareCodeDeps, share_code_router
from services.intake.adapters.idempotency_store import INDEXES as IDEMPOTENCY_INDEXES
from services.intake.adapters.idempotency_store import MongoIdempotencyKeys
from services.intake.adapters.outbox_metrics import OutboxBacklog
from services.intake.adapters.publishing import DeferringFlush, KafkaPublisher
from services.intake.adapters.rate_limit_slots import INDEXES as RATE_LIMIT_INDEXES
from services.intake.adapters.rate_limit_slots import MongoSlots
from services.intake.adapters.share_code_store import INDEXES as SHARE_CODE_INDEXES
from services.intake.adapters.share_code_store import MongoAttemptSlots, MongoShareCodes
from services.intake.adapters.subscribers import assessed, notice_sent, on_examination, on_progress, on_submitted
from services.intake.domain import inputs
from services.intake.handlers.concurrency import ApplicationLocks
from services.intake.handlers.filer_access import FilerAccess
from services.intake.handlers.group_commit import GroupCommit
from services.intake.handlers.outbox import Flusher, OutboxRelay
from services.intake.handlers.progress import ApplyProgress
from services.intake.handlers.share_codes import CheckShareCode, ShareCodeAccess
from services.intake.handlers.submit import SubmitApplications
from services.intake.settings import IntakeSettings

NAME = "intake"
OUTPUTS = (
    t.INTAKE_APPLICATION_RECEIVED,
    t.INTAKE_APPLICATION_ACCEPTED,
    t.INTAKE_APPLICATION_NOT_ELIGIBLE,
    t.INTAKE_APPLICATION_WITHDRAWN,
    t.INTAKE_APPLICATION_STATUS_CHANGED,
    t.INTAKE_DOCUMENTS_SUBMITTED_ONLINE,
)


def build(settings: IntakeSettings, *, clock: Clock | None = None, name: str = NAME, topic_prefix: str = "") -> Service:
    """`name` names the consumer groups (`<name>.<topic>`), the event source and the default database, and
    `topic_prefix` puts every topic under a prefix: tests and benchmarks run isolated copies beside the real one."""
    clock = clock or SystemClock()

    def topic(catalogued: t.Topic) -> t.Topic:
        return catalogued.prefixed(topic_prefix)

    service = Service(name, settings, outputs=map(topic, OUTPUTS), description=__doc__ or "")
    core = _Core(service, settings, clock, topic)

    service.consume(topic(t.PORTAL_APPLICATION_SUBMITTED), on_submitted(core.submit))
    service.consume(topic(t.ELIGIBILITY_APPLICATION_ASSESSED), on_progress(core.progress, assessed))
    examined = functools.partial(on_examination, core.progress)
    service.consume(topic(t.EXAMINATION_DOCUMENTS_REQUESTED), examined(inputs.from_documents_requested))
    service.consume(topic(t.EXAMINATION_DOCUMENTS_SUBMITTED), examined(inputs.from_documents_submitted))
    service.consume(topic(t.EXAMINATION_DECISION_MADE), examined(inputs.from_decision))
    service.consume(topic(t.EXAMINATION_COE_ISSUED), examined(inputs.from_coe_issued))
    service.consume(topic(t.EXAMINATION_CARD_DISPATCHED), examined(inputs.from_card_dispatched))
    service.consume(topic(t.EXAMINATION_RESULT_DELIVERED), examined(inputs.from_result_delivered))
    service.consume(topic(t.NOTIFICATION_NOTICE_SENT), on_progress(core.progress, notice_sent))
    service.background("outbox-relay", lambda: core.relay.run(settings.outbox_relay_interval_seconds))
    service.background("rate-limit-purge", lambda: core.limiter.keep_clean(settings.rate_limit_purge_interval_seconds))
    service.metrics(OutboxBacklog(core.applications.markers, clock).exposition)
    service.route(api_router(core.api()))
    service.route(share_code_router(core.share_codes()))
    service.route(documents_router(core.api()))
    service.on_startup(core.start)
    return service


class _Core:
    """The adapters and use cases, built once and shared by the subscribers, the relay and the API."""

    def __init__(self, service: Service, settings: IntakeSettings, clock: Clock, rename: Callable[[t.Topic], t.Topic]):
        self.service, self.settings, self.clock = service, settings, clock
        self.applications = repository.MongoApplications(service.database, clock)
        self.numbers = number_blocks.MongoNumbers(service.database, prefetch=settings.number_prefetch)
        publisher = KafkaPublisher(service.publisher, rename)
        self.flush = Flusher(self.applications, publisher)
        self.locks = ApplicationLocks()  # one per process: every writer of an application takes its lock
        self.window = settings.filing_window()
        self.submit = SubmitApplications(
            self.applications, self.numbers, clock, self.flush, self.locks, window=self.window
        )
        self.progress = ApplyProgress(self.applications, self.numbers, clock, self.flush, self.locks)
        grace = timedelta(seconds=settings.outbox_grace_seconds)
        self.relay = OutboxRelay(
            self.applications, self.flush, clock, self.locks, grace=grace, batch=settings.outbox_relay_batch_size
        )
        self.verifier = TokenVerifier(self.settings)
        self.limiter = RateLimiter(MongoSlots(service.database), settings.rate_limits, clock)

    def api(self) -> ApiDeps:
        # The API answers once the application is stored; if the broker is slow, the relay publishes later.
        flush = DeferringFlush(self.flush, self.settings.publish_timeout_seconds)
        progress = ApplyProgress(self.applications, self.numbers, self.clock, flush, self.locks)
        lease = timedelta(seconds=self.settings.idempotency_lease_seconds)
        return ApiDeps(
            settings=self.settings,
            submit=GroupCommit(
                SubmitApplications(self.applications, self.numbers, self.clock, flush, self.locks, window=self.window),
                in_flight=self.settings.api_commits_in_flight,
                max_items=self.settings.api_commit_max_items,
            ),
            access=FilerAccess(self.applications, progress, self.clock),
            idempotency=Idempotency(MongoIdempotencyKeys(self.service.database), self.clock, lease),
            verifier=self.verifier,
            clock=self.clock,
            limiter=self.limiter,
        )

    def share_codes(self) -> ShareCodeDeps:
        codes, slots = MongoShareCodes(self.service.database), MongoAttemptSlots(self.service.database)
        limits = self.settings.share_check_limits()
        access = FilerAccess(self.applications, self.progress, self.clock)
        valid_for = timedelta(days=self.settings.share_code_valid_days)
        return ShareCodeDeps(
            settings=self.settings,
            access=ShareCodeAccess(access, codes, slots, self.clock, valid_for=valid_for, limits=limits),
            check=CheckShareCode(self.applications, codes, slots, self.clock, limits),
            verifier=self.verifier,
            limiter=self.limiter,
        )

    async def start(self) -> None:
        """Indexes (one per command, for FerretDB), and the token key checked before any request."""
        indexes = {
            **repository.INDEXES,
            **number_blocks.INDEXES,
            **IDEMPOTENCY_INDEXES,
            **SHARE_CODE_INDEXES,
            **RATE_LIMIT_INDEXES,
        }
        await mongo.ensure_indexes(self.service.database, indexes)
        self.verifier.keys()

"""Composition root of the reporting service: what it consumes, what it produces, and how it is wired.

Consumes:
  bureau.approval-granted.v1, bureau.periodic-report-accepted.v1, bureau.staff-left.v1,
  bureau.staff-added.v1, bureau.approval-revoked.v1
      -> organisations' approvals (利用申出) and their periodic reports (定期報告)   [BureauHandler]
  intake.application-received.v1, intake.application-status-changed.v1,
  intake.application-not-eligible.v1, eligibility.application-assessed.v1,
  notification.notice-sent.v1, notification.notice-failed.v1, reporting.approval-changed.v1
      -> the figures, each event counted exactly once                              [FiguresCounter]
Produces:
  reporting.approval-changed.v1  granted, reminder_due, deadline_near, lapsed, renewed, staff_added,
                                 staff_removed, revoked (from each approval's outbox)
  reporting.figures.v1           a FiguresSnapshot every FIGURES_INTERVAL_SECONDS
Serves: GET /figures and /figures/history (JSON), GET /dashboard (HTML, charts as inline SVG), and its
  figures on the chassis's GET /metrics
  (Prometheus text 0.0.4, after the delivery metrics).
Runs: scheduler (reminders, deadlines, lapses; at start, then every SCHEDULE_INTERVAL_SECONDS),
  outbox-relay, figures-broadcast, figures-rollup, figures-history (each service's lag and the
  dead letters, sampled every HISTORY_SAMPLE_SECONDS into hourly buckets).
Owns: the `reporting` database: approval_versions, relay_claims, scheduler_runs (the approvals
  and their schedule), seen_events, figure_inbox, figure_rollups (the figures), figure_hours (the
  hourly samples); the chassis's
  parked_records (bureau events that came before their grant).
"""

import asyncio
import os
import uuid
from datetime import timedelta

from chassis import mongo
from chassis.clock import Clock, SystemClock
from chassis.service import Service
from contracts import topics as catalogue
from services.reporting.adapters import approvals, ledger
from services.reporting.adapters.hourly_samples import MongoHourlySamples
from services.reporting.adapters.http import figures_exposition, figures_router
from services.reporting.adapters.kafka_lag import KafkaLag
from services.reporting.adapters.publishing import KafkaPublisher
from services.reporting.adapters.subscribers import subscriber
from services.reporting.adapters.validity_file import load_validity
from services.reporting.domain.history import retained
from services.reporting.handlers.bureau import BureauHandler
from services.reporting.handlers.figures import FiguresBroadcast, FiguresCounter, FiguresReport
from services.reporting.handlers.history import History
from services.reporting.handlers.outbox import Outbox
from services.reporting.handlers.scheduler import Scheduler
from services.reporting.settings import ReportingSettings

NAME = "reporting"
BUREAU = (
    catalogue.BUREAU_APPROVAL_GRANTED,
    catalogue.BUREAU_PERIODIC_REPORT_ACCEPTED,
    catalogue.BUREAU_STAFF_LEFT,
    catalogue.BUREAU_STAFF_ADDED,
    catalogue.BUREAU_APPROVAL_REVOKED,
)
COUNTED = (
    catalogue.INTAKE_APPLICATION_RECEIVED,
    catalogue.INTAKE_APPLICATION_STATUS_CHANGED,
    catalogue.INTAKE_APPLICATION_NOT_ELIGIBLE,
    catalogue.ELIGIBILITY_APPLICATION_ASSESSED,
    catalogue.NOTIFICATION_NOTICE_SENT,
    catalogue.NOTIFICATION_NOTICE_FAILED,
    catalogue.REPORTING_APPROVAL_CHANGED,
)
OUTPUTS = (catalogue.REPORTING_APPROVAL_CHANGED, catalogue.REPORTING_FIGURES)


def build(
    settings: ReportingSettings, *, clock: Clock | None = None, name: str = NAME, topic_prefix: str = ""
) -> Service:
    """The reporting service, wired. `clock` is what the schedule and the figures call today (tests
    move it); `name` sets the database default and the consumer groups (`<name>.<topic>`); a
    `topic_prefix` puts every topic it reads and writes under that prefix, so that tests and
    side-by-side environments can share one broker without reading each other's records."""
    clock = clock or SystemClock()
    wall = SystemClock()  # housekeeping (outbox age, counting batches' age) runs on real time, whatever `clock` says
    bureau_topics = [t.prefixed(topic_prefix) for t in BUREAU]
    counted_topics = [t.prefixed(topic_prefix) for t in COUNTED]
    changes_topic, figures_topic = (t.prefixed(topic_prefix) for t in OUTPUTS)
    service = Service(name, settings, outputs=[changes_topic, figures_topic], description=__doc__ or "")

    grace = timedelta(seconds=settings.outbox_grace_seconds)
    store = approvals.MongoApprovalStore(service.database, wall=wall, relay_stale=grace)
    figures_ledger = ledger.MongoFiguresLedger(
        service.database,
        wall=wall,
        margin=timedelta(seconds=settings.figures_rollup_margin_seconds),
        retain=lambda name, labels: retained(name, labels, clock.now()),
    )
    publisher = KafkaPublisher(service.publisher, changes=changes_topic, figures=figures_topic)
    outbox = Outbox(store, publisher)
    bureau = BureauHandler(store, outbox, load_validity(settings.validity_path), clock)
    counter = FiguresCounter(figures_ledger)
    for topic in bureau_topics:
        service.consume(topic, subscriber(topic, bureau.handle))
    for topic in counted_topics:
        service.consume(topic, subscriber(topic, counter.handle))

    indexes = {**approvals.INDEXES, **ledger.INDEXES}

    async def create_indexes() -> None:
        await mongo.ensure_indexes(service.database, indexes)

    service.on_startup(create_indexes)

    lag = KafkaLag(
        settings.kafka_bootstrap_servers,
        {delivery.topic.name: delivery.group_id for delivery in service.deliveries},
        topics=[t.prefixed(topic_prefix).name for t in catalogue.CATALOGUE],  # every service's groups: `domain.lag`
        services={*settings.system_services, service.name},
        cache_seconds=settings.lag_cache_seconds,
        security=service.kafka_security,
    )
    report = FiguresReport(figures_ledger, store, lag, clock)
    history = History(figures_ledger, MongoHourlySamples(service.database, wall=wall), lag, clock)
    broadcast = FiguresBroadcast(report, publisher, interval=settings.figures_interval_seconds)
    instance = f"{name}@{os.uname().nodename}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
    scheduler = Scheduler(store, outbox, clock, instance=instance, interval=settings.schedule_interval_seconds)

    async def relay() -> None:
        while True:
            await outbox.sweep(wall.now() - grace)
            await asyncio.sleep(settings.relay_interval_seconds)

    async def broadcast_figures() -> None:
        try:
            await broadcast.run()
        finally:
            await lag.close()

    async def rollup() -> None:
        while True:
            await figures_ledger.roll_up()
            await asyncio.sleep(settings.figures_rollup_interval_seconds)

    service.background("scheduler", scheduler.run)
    service.background("outbox-relay", relay)
    service.background("figures-broadcast", broadcast_figures)
    service.background("figures-rollup", rollup)
    service.background("figures-history", lambda: history.run(settings.history_sample_seconds))
    service.route(figures_router(report, history))
    service.metrics(figures_exposition(report))
    return service

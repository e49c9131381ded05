"""Composition root of the notification service: what it consumes, what it produces, and how it is wired.

Consumes (every one through the same Notifier: project contacts, plan, ledger, send, publish):
  intake.application-received.v1       submission received; projects the application's contact
  intake.application-accepted.v1       receipt number, the proof of a pending application; projects it too
  intake.application-not-eligible.v1   reasons, and filing at the counter instead
  examination.documents-requested.v1   what to submit and by when            (needs the contact); kept for
                                       its reminder
  intake.documents-submitted-online.v1 receipt of the filer's online answer (no reminder for that request)
  examination.decision-made.v1         at the counter, or by post with postage (needs the contact)
  examination.coe-issued.v1            the electronic Certificate of Eligibility (needs the contact)
  examination.card-dispatched.v1       the card or permission document was posted (needs the contact)
                                       (an event that needs the contact before its acceptance is projected is
                                       parked by the chassis and handed back later)
  reporting.approval-changed.v1        organisation approval notices to its staff
Produces:
  notification.notice-sent.v1          a notice was handed to the mail server (id `<notice_id>:sent`)
  notification.notice-failed.v1        the mail server refused it for good (id `<notice_id>:failed`);
                                       the source event also goes to its topic's `.dlq` with the reason
Sends: e-mail over SMTP (SMTP_*), at most SMTP_MAX_CONNECTIONS at once; readiness check `smtp`;
  each answer counted in notification_notices_total{kind,outcome} on /metrics.
Runs: smtp-connections (closes idle connections; says QUIT at shutdown); documents-reminders (the scheduled
  check: DOCUMENTS_REMINDER_DAYS_BEFORE days before a request's last day, if nothing was sent online).
Owns: the `notification` database: notices and notice_outcomes (the ledger), contacts (the projection),
  documents_requests, documents_answers and documents_reminders (the reminder's schedule and claims),
  parked_records (the chassis's: events waiting for their application's acceptance).
"""

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from pymongo.asynchronous.database import AsyncDatabase

from chassis.backoff import Backoff, persistently
from chassis.clock import Clock, SystemClock
from chassis.service import Service
from contracts import topics as catalogue
from services.notification.adapters import ledger
from services.notification.adapters.contacts import MongoContacts
from services.notification.adapters.documents_requests import MongoDocumentsRequests
from services.notification.adapters.kafka import KafkaOutcomes
from services.notification.adapters.mail.render import TEMPLATES_DIR, Renderer
from services.notification.adapters.metrics import notice_tally
from services.notification.adapters.smtp import SmtpMailer
from services.notification.adapters.smtp_pool import SmtpConfig, SmtpPool
from services.notification.adapters.subscribers import subscriber
from services.notification.adapters.tariff import load_tariff
from services.notification.handlers.notify import Notifier
from services.notification.handlers.planning import Planner
from services.notification.handlers.ports import Ledger, Persist
from services.notification.handlers.reminders import DocumentsReminders
from services.notification.handlers.sending import Sender
from services.notification.settings import NotificationSettings

NAME = "notification"
CONSUMES = (
    catalogue.INTAKE_APPLICATION_RECEIVED,
    catalogue.INTAKE_APPLICATION_ACCEPTED,
    catalogue.INTAKE_APPLICATION_NOT_ELIGIBLE,
    catalogue.EXAMINATION_DOCUMENTS_REQUESTED,
    catalogue.INTAKE_DOCUMENTS_SUBMITTED_ONLINE,
    catalogue.EXAMINATION_DECISION_MADE,
    catalogue.EXAMINATION_COE_ISSUED,
    catalogue.EXAMINATION_CARD_DISPATCHED,
    catalogue.REPORTING_APPROVAL_CHANGED,
)
OUTPUTS = (catalogue.NOTIFICATION_NOTICE_SENT, catalogue.NOTIFICATION_NOTICE_FAILED)
RENDER_AHEAD = 2
"""Notices rendered and waiting per SMTP connection, so no connection waits for a render."""


def persist(backoff: Backoff) -> Persist:
    """The notifier's `Persist`: the chassis's wait for failures that time cures, with the service's backoff."""

    async def run(operation: Callable[[], Awaitable[None]], what: str) -> None:
        await persistently(operation, backoff, what=what)

    return run


def smtp_config(settings: NotificationSettings) -> SmtpConfig:
    return SmtpConfig(
        host=settings.smtp_host,
        port=settings.smtp_port,
        timeout=settings.smtp_timeout,
        local_hostname=settings.mail_domain,
        starttls=settings.smtp_starttls,
        ca_file=settings.smtp_ca_file,
        username=settings.smtp_username,
        password=settings.smtp_password.get_secret_value() if settings.smtp_password else None,
        size=settings.smtp_max_connections,
        reuse_check=settings.smtp_reuse_check_seconds,
        idle_close=settings.smtp_idle_close_seconds,
        ready_timeout=settings.smtp_ready_timeout,
    )


def build(
    settings: NotificationSettings,
    *,
    clock: Clock | None = None,
    name: str = NAME,
    topic_prefix: str = "",
    ledger_of: Callable[[AsyncDatabase[dict[str, Any]]], Ledger] = ledger.MongoLedger,
) -> Service:
    """`name` names the consumer groups and the default database and `topic_prefix` renames every topic, so
    that tests run isolated copies; `ledger_of` builds the ledger on the service's database (tests wrap it)."""
    clock = clock or SystemClock()
    sent, failed = (t.prefixed(topic_prefix) for t in OUTPUTS)
    service = Service(name, settings, outputs=[sent, failed], description=__doc__ or "")

    pool = SmtpPool(smtp_config(settings))
    mailer = SmtpMailer(pool)
    sender = Sender(
        mailer,
        Renderer(TEMPLATES_DIR),
        sender=settings.mail_from,
        message_id_domain=settings.mail_domain,
        concurrency=settings.smtp_max_connections * RENDER_AHEAD,
        tally=notice_tally(service.registry),
    )
    requests = MongoDocumentsRequests(service.database)
    notifier = Notifier(
        Planner(
            MongoContacts(service.database),
            load_tariff(settings.tariff_path),
            settings.organisation_language,
            requests,
        ),
        ledger_of(service.database),
        sender,
        KafkaOutcomes(service.publisher, sent=sent, failed=failed),
        clock,
        persist(Backoff(settings.delivery.retry_backoff_ms, settings.delivery.retry_backoff_max_ms)),
    )
    for topic in CONSUMES:
        renamed_topic = topic.prefixed(topic_prefix)
        service.consume(renamed_topic, subscriber(service, renamed_topic, notifier))
    for collection, models in ledger.INDEXES.items():
        service.indexes(collection, models)
    service.readiness_check("smtp", mailer.ping)

    async def keep_connections() -> None:
        try:
            while True:
                await asyncio.sleep(settings.smtp_idle_close_seconds / 4)
                pool.prune()
        finally:
            await pool.close()

    service.background("smtp-connections", keep_connections)
    reminders = DocumentsReminders(requests, notifier, clock, days_before=settings.documents_reminder_days_before)
    service.background("documents-reminders", lambda: reminders.run(settings.documents_reminder_interval_seconds))
    return service

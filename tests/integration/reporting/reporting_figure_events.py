"""A fixed replay for the figures: events of every counted kind, with ids chosen by the test."""

from datetime import UTC, date, datetime

from contracts.application import Applicant, Application, ApplicationForm, Filer, FilerCategory, Procedure
from contracts.base import Payload
from contracts.eligibility import ApplicationAssessed, Reason
from contracts.intake import (
    ApplicationNotEligible,
    ApplicationReceived,
    ApplicationStatus,
    ApplicationStatusChanged,
    Channel,
    Parties,
)
from contracts.notification import NoticeFailed, NoticeSent
from contracts.topics import (
    ELIGIBILITY_APPLICATION_ASSESSED,
    INTAKE_APPLICATION_NOT_ELIGIBLE,
    INTAKE_APPLICATION_RECEIVED,
    INTAKE_APPLICATION_STATUS_CHANGED,
    NOTIFICATION_NOTICE_FAILED,
    NOTIFICATION_NOTICE_SENT,
    Topic,
)

AT = datetime(2026, 1, 5, 1, 0, tzinfo=UTC)
Event = tuple[Topic, Payload, str]


def received(application_id: str, procedure: Procedure, at: datetime, event_id: str) -> Event:
    application = Application(
        submission_id=f"sub-{application_id}",
        filer=Filer(filer_id="filer-1", category=FilerCategory.FOREIGN_NATIONAL, name="Filer", email="f@example.org"),
        applicant=Applicant(name="Applicant", nationality="VNM", date_of_birth=date(1995, 5, 5)),
        form=ApplicationForm(procedure=procedure),
        submitted_at=at,
    )
    data = ApplicationReceived(
        application_id=application_id,
        provisional_number=f"P-{application_id}",
        channel=Channel.KAFKA,
        received_at=at,
        application=application,
    )
    return INTAKE_APPLICATION_RECEIVED, data, event_id


def moved(
    application_id: str,
    previous: ApplicationStatus,
    status: ApplicationStatus,
    revision: int,
    event_id: str,
    at: datetime = AT,
) -> Event:
    data = ApplicationStatusChanged(
        application_id=application_id,
        provisional_number=f"P-{application_id}",
        procedure=Procedure.EXTENSION_OF_STAY,
        status=status,
        previous_status=previous,
        revision=revision,
        changed_at=at,
    )
    return INTAKE_APPLICATION_STATUS_CHANGED, data, event_id


def _reasons(*codes: str) -> tuple[Reason, ...]:
    return tuple(Reason(code=code, message_ja="理由", message_en="reason") for code in codes)


def assessed(application_id: str, event_id: str, *codes: str) -> Event:
    data = ApplicationAssessed(
        application_id=application_id,
        eligible=not codes,
        reasons=_reasons(*codes),
        ruleset_version="test",
        rules_date=date(2026, 1, 5),
        assessed_at=AT,
    )
    return ELIGIBILITY_APPLICATION_ASSESSED, data, event_id


def not_eligible(application_id: str, event_id: str, *codes: str) -> Event:
    parties = Parties(
        filer_id="filer-1", filer_name="Filer", filer_email="f@example.org", language="en", applicant_name="Applicant"
    )
    data = ApplicationNotEligible(
        application_id=application_id,
        provisional_number=f"P-{application_id}",
        procedure=Procedure.EXTENSION_OF_STAY,
        reasons=_reasons(*codes),
        decided_at=AT,
        parties=parties,
    )
    return INTAKE_APPLICATION_NOT_ELIGIBLE, data, event_id


def notice_sent(notice_id: str, kind: str, event_id: str, at: datetime = AT) -> Event:
    data = NoticeSent(
        notice_id=notice_id, kind=kind, source_event_id="src", message_id="<m@x>", recipient_count=1, sent_at=at
    )
    return NOTIFICATION_NOTICE_SENT, data, event_id


def notice_failed(notice_id: str, kind: str, event_id: str, at: datetime = AT) -> Event:
    data = NoticeFailed(notice_id=notice_id, kind=kind, source_event_id="src", reason="550 mailbox", failed_at=at)
    return NOTIFICATION_NOTICE_FAILED, data, event_id

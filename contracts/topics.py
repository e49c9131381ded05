"""The topic catalogue: every topic, its payload, its key, the one service that writes it and those that read it.

Names are `<owner>.<event>.v<N>`; a version only ever gains optional fields. Every
record is keyed by the entity id named in `key`, so one entity's events stay in
order on one partition. Each topic has a dead-letter topic, `<name>.dlq`, that its
consumers write unusable records to.
"""

from dataclasses import dataclass, replace
from typing import Final

from contracts.application import Application
from contracts.base import Payload
from contracts.eligibility import ApplicationAssessed
from contracts.examination import (
    CardDispatched,
    CoeIssued,
    DecisionMade,
    DocumentsRequested,
    DocumentsSubmitted,
    ResultDelivered,
)
from contracts.intake import (
    ApplicationAccepted,
    ApplicationNotEligible,
    ApplicationReceived,
    ApplicationStatusChanged,
    ApplicationWithdrawn,
    DocumentsSubmittedOnline,
)
from contracts.notification import NoticeFailed, NoticeSent
from contracts.organisations import (
    ApprovalChanged,
    ApprovalGranted,
    ApprovalRevoked,
    PeriodicReportAccepted,
    StaffAdded,
    StaffLeft,
)
from contracts.reporting import FiguresSnapshot

EVENT_TYPE_PREFIX: Final = "jp.residence."
DLQ_SUFFIX: Final = ".dlq"

# Writers outside this system.
UPSTREAM_PORTAL: Final = "upstream-portal"
UPSTREAM_EXAMINATION: Final = "upstream-examination"
UPSTREAM_BUREAU: Final = "upstream-bureau"


@dataclass(frozen=True)
class Topic:
    name: str
    payload: type[Payload]
    key: str
    """The payload field whose value is the record key."""
    writer: str
    description: str
    readers: tuple[str, ...] = ()
    """The services that consume it, each in its own consumer groups: what the broker's ACLs let read it
    (ops.acls); a unit test holds it to the services' subscriptions."""

    @property
    def event_type(self) -> str:
        """CloudEvents `type`: the topic name under our reverse-DNS prefix."""
        return EVENT_TYPE_PREFIX + self.name

    @property
    def dlq(self) -> str:
        return self.name + DLQ_SUFFIX

    def prefixed(self, prefix: str) -> "Topic":
        """The same topic under `prefix`: tests, benchmarks and side-by-side deployments on one broker keep apart."""
        return replace(self, name=prefix + self.name) if prefix else self


PORTAL_APPLICATION_SUBMITTED = Topic(
    "portal.application-submitted.v1",
    Application,
    "submission_id",
    UPSTREAM_PORTAL,
    "An upstream portal submits one application.",
    readers=("intake",),
)
INTAKE_APPLICATION_RECEIVED = Topic(
    "intake.application-received.v1",
    ApplicationReceived,
    "application_id",
    "intake",
    "Intake stored a new application with its provisional number.",
    readers=("eligibility", "notification", "reporting"),
)
INTAKE_APPLICATION_ACCEPTED = Topic(
    "intake.application-accepted.v1",
    ApplicationAccepted,
    "application_id",
    "intake",
    "The application may be filed online and has its receipt number.",
    readers=("notification",),
)
INTAKE_APPLICATION_NOT_ELIGIBLE = Topic(
    "intake.application-not-eligible.v1",
    ApplicationNotEligible,
    "application_id",
    "intake",
    "The application may not be filed online, with every reason.",
    readers=("notification", "reporting"),
)
INTAKE_APPLICATION_WITHDRAWN = Topic(
    "intake.application-withdrawn.v1",
    ApplicationWithdrawn,
    "application_id",
    "intake",
    "The filer withdrew the application before a decision.",
    readers=(),
)
INTAKE_APPLICATION_STATUS_CHANGED = Topic(
    "intake.application-status-changed.v1",
    ApplicationStatusChanged,
    "application_id",
    "intake",
    "An application's status moved.",
    readers=("reporting",),
)
INTAKE_DOCUMENTS_SUBMITTED_ONLINE = Topic(
    "intake.documents-submitted-online.v1",
    DocumentsSubmittedOnline,
    "application_id",
    "intake",
    "The filer answered a documents request online, before its deadline.",
    readers=("notification",),
)
ELIGIBILITY_APPLICATION_ASSESSED = Topic(
    "eligibility.application-assessed.v1",
    ApplicationAssessed,
    "application_id",
    "eligibility",
    "Whether an application may be filed online, with reasons.",
    readers=("intake", "reporting"),
)
EXAMINATION_DOCUMENTS_REQUESTED = Topic(
    "examination.documents-requested.v1",
    DocumentsRequested,
    "application_id",
    UPSTREAM_EXAMINATION,
    "Officers ask for more documents.",
    readers=("intake", "notification"),
)
EXAMINATION_DOCUMENTS_SUBMITTED = Topic(
    "examination.documents-submitted.v1",
    DocumentsSubmitted,
    "application_id",
    UPSTREAM_EXAMINATION,
    "The documents asked for arrived.",
    readers=("intake",),
)
EXAMINATION_DECISION_MADE = Topic(
    "examination.decision-made.v1",
    DecisionMade,
    "application_id",
    UPSTREAM_EXAMINATION,
    "The examination is complete: granted or denied.",
    readers=("intake", "notification"),
)
EXAMINATION_COE_ISSUED = Topic(
    "examination.coe-issued.v1",
    CoeIssued,
    "application_id",
    UPSTREAM_EXAMINATION,
    "An electronic Certificate of Eligibility was issued.",
    readers=("intake", "notification"),
)
EXAMINATION_CARD_DISPATCHED = Topic(
    "examination.card-dispatched.v1",
    CardDispatched,
    "application_id",
    UPSTREAM_EXAMINATION,
    "The card or permission document was posted.",
    readers=("intake", "notification"),
)
EXAMINATION_RESULT_DELIVERED = Topic(
    "examination.result-delivered.v1",
    ResultDelivered,
    "application_id",
    UPSTREAM_EXAMINATION,
    "The result reached the applicant.",
    readers=("intake",),
)
BUREAU_APPROVAL_GRANTED = Topic(
    "bureau.approval-granted.v1",
    ApprovalGranted,
    "approval_id",
    UPSTREAM_BUREAU,
    "A regional bureau approved an organisation's use of the system (利用申出).",
    readers=("reporting",),
)
BUREAU_PERIODIC_REPORT_ACCEPTED = Topic(
    "bureau.periodic-report-accepted.v1",
    PeriodicReportAccepted,
    "approval_id",
    UPSTREAM_BUREAU,
    "An organisation's periodic report (定期報告) was accepted.",
    readers=("reporting",),
)
BUREAU_STAFF_LEFT = Topic(
    "bureau.staff-left.v1",
    StaffLeft,
    "approval_id",
    UPSTREAM_BUREAU,
    "An approved staff member left the organisation (離職).",
    readers=("reporting",),
)
BUREAU_STAFF_ADDED = Topic(
    "bureau.staff-added.v1",
    StaffAdded,
    "approval_id",
    UPSTREAM_BUREAU,
    "A staff member joined through an additional application (追加利用申出).",
    readers=("reporting",),
)
BUREAU_APPROVAL_REVOKED = Topic(
    "bureau.approval-revoked.v1",
    ApprovalRevoked,
    "approval_id",
    UPSTREAM_BUREAU,
    "The bureau revoked an approval.",
    readers=("reporting",),
)
REPORTING_APPROVAL_CHANGED = Topic(
    "reporting.approval-changed.v1",
    ApprovalChanged,
    "approval_id",
    "reporting",
    "An approval's lifecycle moved (reminder, deadline, lapse, renewal, staff, revocation).",
    readers=("eligibility", "notification", "reporting"),
)
REPORTING_FIGURES = Topic(
    "reporting.figures.v1",
    FiguresSnapshot,
    "taken_at",
    "reporting",
    "A snapshot of the system's figures, published at a fixed interval for monitoring dashboards.",
    readers=(),
)
NOTIFICATION_NOTICE_SENT = Topic(
    "notification.notice-sent.v1",
    NoticeSent,
    "notice_id",
    "notification",
    "A notice was handed to the mail server.",
    readers=("intake", "reporting"),
)
NOTIFICATION_NOTICE_FAILED = Topic(
    "notification.notice-failed.v1",
    NoticeFailed,
    "notice_id",
    "notification",
    "A notice could not be sent, with the reason.",
    readers=("reporting",),
)

CATALOGUE: Final[tuple[Topic, ...]] = tuple(value for value in list(globals().values()) if isinstance(value, Topic))
BY_NAME: Final[dict[str, Topic]] = {topic.name: topic for topic in CATALOGUE}

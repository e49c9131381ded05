"""What the demo prints: the approval, the application's timeline, and its e-mails."""

from collections.abc import Callable, Sequence

from contracts.organisations import ApprovalChanged
from deploy.demo.mail import Mail
from deploy.demo.organisation import JAPAN
from services.intake.adapters.api.schemas import ApplicationView

Say = Callable[[str], None]


def approval(say: Say, change: ApprovalChanged) -> None:
    say(
        f"Approval {change.approval_id} of {change.organisation_id}: {change.state.value} since {change.valid_from}, "
        f"expires on {change.valid_until} (revision {change.revision}); eligibility holds it."
    )


def application(say: Say, view: ApplicationView) -> None:
    say(f"\nApplication {view.application_id} (submission {view.submission_id}, {view.procedure.value})")
    say(f"  provisional number {view.provisional_number}, receipt number {view.receipt_number or '-'}")
    say(f"  status {view.status.value} (revision {view.revision})\n\nTimeline")
    for item in view.timeline:
        status = item.status.value if item.status else ""
        at = f"{item.at.astimezone(JAPAN):%Y-%m-%d %H:%M:%S.%f}"[:-3]
        say(f"  {at} JST  {item.kind:<18} {status:<18} {item.note or ''}".rstrip())


def mails(say: Say, found: Sequence[Mail], folder: str) -> None:
    say(f"\nE-mails ({len(found)}, stored in {folder})")
    for mail in found:
        say(f"\n--- {mail.file.name}\nTo: {mail.to}\nSubject: {mail.subject}\n\n{mail.text.strip()}")

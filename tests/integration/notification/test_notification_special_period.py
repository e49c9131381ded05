"""The acceptance e-mail over real Kafka and SMTP states the special period intake found, and no other.

The acceptances are built as intake publishes them (intake decides the special
period for its proof of a pending application); the e-mail is that proof for online
filers, so it must print the date intake's proof gives, and none where intake gives none.
"""

from datetime import date
from email.message import EmailMessage

from contracts import topics as catalogue
from contracts.application import Procedure
from services.intake.domain.pending_proof import PendingProof, pending_proof
from tests.integration.notification.harness import Harness
from tests.running import running
from tests.smtp_sink import Received
from tests.unit.intake.builders import accepted_as_published, an_application


def text_of(received: Received) -> str:
    part = received.message.get_body(("plain",))
    assert isinstance(part, EmailMessage)
    return str(part.get_content())


async def test_the_acceptance_email_prints_the_last_day_of_the_special_period_only_where_intake_found_one(
    notification: Harness,
) -> None:
    cases = {  # receipt number: (stay expires on, what intake's proof states)
        "ON-2026-000000001-00": (date(2026, 6, 30), date(2026, 8, 31)),
        "ON-2026-000000002-00": (date(2026, 3, 1), None),  # filed the day after its stay expired
    }
    sent = []
    for number, (expires_on, ends_on) in cases.items():
        application = an_application(Procedure.EXTENSION_OF_STAY, expires_on=expires_on)
        state, event, event_id = accepted_as_published(application, f"app-{number}", number)
        proof = pending_proof(state)
        assert isinstance(proof, PendingProof)
        assert proof.special_period_ends_on == ends_on
        sent.append((catalogue.INTAKE_APPLICATION_ACCEPTED, event, event_id))

    async with running(notification.service()):
        await notification.send(*sent)
        await notification.wait_for(catalogue.NOTIFICATION_NOTICE_SENT, len(sent))

    texts = {
        number: text_of(m) for m in notification.sink.messages for number in cases if number in m.message["Subject"]
    }
    assert set(texts) == set(cases)
    assert "特例期間の最終日：2026年8月31日" in texts["ON-2026-000000001-00"]
    assert "Last day of the special period: 31 August 2026" in texts["ON-2026-000000001-00"]
    assert "特例期間" not in texts["ON-2026-000000002-00"]
    assert "special period" not in texts["ON-2026-000000002-00"].lower()

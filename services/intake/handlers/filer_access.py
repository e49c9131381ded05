"""What a filer may read and do through the API: only with the applications it filed.

Another filer's application is answered exactly like one that does not exist, so
that numbers cannot be probed for the existence of someone else's filing.
"""

from contracts.application import Attachment
from contracts.calendar import as_aware
from services.intake.domain.application import ApplicationState
from services.intake.domain.documents import DocumentsRefusal, DocumentsRefused, may_answer
from services.intake.domain.inputs import documents_command, withdraw_command
from services.intake.domain.pending_proof import PendingProof, ProofRefused, pending_proof
from services.intake.domain.status import Outcome, WithdrawRefused
from services.intake.handlers.ports import Applications, Clock, Stored
from services.intake.handlers.progress import Applied, ApplyProgress, Progress


class FilerAccess:
    def __init__(self, applications: Applications, progress: ApplyProgress, clock: Clock):
        self.applications = applications
        self.progress = progress
        self.clock = clock

    async def get(self, number: str, filer_id: str) -> Stored | None:
        stored = await self.applications.find_by_number(number)
        return stored if stored is not None and stored.state.filer_id == filer_id else None

    async def proof(self, number: str, filer_id: str) -> PendingProof | ProofRefused | None:
        stored = await self.get(number, filer_id)
        return None if stored is None else pending_proof(stored.state)

    async def withdraw(
        self, number: str, filer_id: str, command_id: str, correlation_id: str | None = None
    ) -> ApplicationState | WithdrawRefused | None:
        """`command_id` names this withdrawal; the same id again is a duplicate that changes nothing."""
        stored = await self.get(number, filer_id)
        if stored is None:
            return None
        command = Progress(stored.state.application_id, withdraw_command(command_id, self.clock.now()), correlation_id)
        [result] = await self.progress([command])
        if isinstance(result, Applied):
            return result.advance.state
        if isinstance(result, WithdrawRefused):
            return result
        # NotStored or NotYet: neither happens (applications are never deleted; a withdrawal is never early).
        return None

    async def answer_documents(
        self, number: str, filer_id: str, attachments: tuple[Attachment, ...], command_id: str
    ) -> ApplicationState | DocumentsRefused | None:
        """The filer's answer to the open documents request; `command_id` names it, as for a withdrawal."""
        stored = await self.get(number, filer_id)
        if stored is None:
            return None
        now = self.clock.now()
        checked = may_answer(stored.state, now)
        if isinstance(checked, DocumentsRefused):
            return checked
        # Never before the request it answers, even if the examination system's clock runs ahead of ours:
        # the status machine would take an answer older than its request for a stale one.
        command = documents_command(command_id, max(as_aware(now), checked.requested_at), len(attachments))
        [result] = await self.progress([Progress(stored.state.application_id, command, command_id, (), attachments)])
        if isinstance(result, Applied) and result.outcome in (Outcome.MOVED, Outcome.DUPLICATE):
            return result.advance.state
        # Answered or decided in between (by another instance, or examination): nothing is open any more.
        return DocumentsRefused(reason=DocumentsRefusal.NO_OPEN_REQUEST)

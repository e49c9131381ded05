"""The SMTP sender: hands a rendered notice to the configured server, and says what its reply means.

- Delivered: the server took the message for at least one recipient (250 after DATA).
- Undeliverable: the server refused this message for good: a 5xx to DATA, or every
  recipient refused with a 5xx. Trying again cannot help, so it is a value to record.
- `SmtpTemporaryFailure` (a chassis `TransientError`): the server is out of reach,
  timed out, dropped the connection, answered 4xx, refused our own sender or login,
  or (with STARTTLS on) did not offer STARTTLS or presented a certificate that does
  not verify. The last ones are configuration rather than the notice, and would fail
  every notice alike, so they are retried and then dead-lettered with the notices
  still pending, not recorded as failed notices. With STARTTLS on, no login and no
  message ever goes over a connection that was not upgraded.

Replies are kept for the record with any address in them masked. Each message handed over
is a CLIENT span in the trace of the event it answers; no trace context goes into the mail.
"""

import re

from aiosmtplib import SMTPException, SMTPRecipientsRefused, SMTPResponseException, SMTPSenderRefused
from opentelemetry.trace import SpanKind

from chassis import tracing
from chassis.errors import TransientError
from services.notification.adapters import smtp_transaction
from services.notification.adapters.smtp_pool import SmtpPool
from services.notification.handlers.ports import Delivered, Handed, Mail, TemporaryFailure, Undeliverable

_ADDRESS = re.compile(r"<?[^\s<>@]+@[^\s<>]+>?")
_PERMANENT = 500


class SmtpTemporaryFailure(TransientError, TemporaryFailure):
    """Retry later: a chassis `TransientError` that the notifier also recognises as its own port's failure."""


def reply(code: int, message: str) -> str:
    """`550 5.1.1 [address] no such user`: the reply without anyone's address."""
    return f"{code} {_ADDRESS.sub('[address]', ' '.join(message.split()))}".strip()


class SmtpMailer:
    def __init__(self, pool: SmtpPool) -> None:
        self._pool = pool

    async def send(self, mail: Mail, handed: Handed | None = None) -> Delivered | Undeliverable:
        about = {"notice.id": mail.notice_id}  # an id only: no address goes on a span
        with tracing.span("smtp send", cause=mail.cause, kind=SpanKind.CLIENT, attributes=about):
            return await self._send(mail, handed)

    async def _send(self, mail: Mail, handed: Handed | None) -> Delivered | Undeliverable:
        def written(refused: int) -> None:
            if handed is not None:
                handed(Delivered(accepted=len(mail.recipients) - refused, refused=refused))

        try:
            async with self._pool.connection() as client:
                try:
                    refused = await smtp_transaction.send(client, mail.sender, mail.recipients, mail.data, written)
                except SMTPSenderRefused as error:
                    raise SmtpTemporaryFailure(f"sender refused: {reply(error.code, error.message)}") from error
                except SMTPRecipientsRefused as error:
                    return _all_refused(error)
                except SMTPResponseException as error:
                    if error.code >= _PERMANENT:
                        return Undeliverable(reply(error.code, error.message))
                    raise SmtpTemporaryFailure(reply(error.code, error.message)) from error
        except (SMTPException, OSError, TimeoutError) as error:  # unreachable, dropped, timed out
            raise SmtpTemporaryFailure(f"mail server unavailable: {type(error).__name__}: {_text(error)}") from error
        return Delivered(accepted=len(mail.recipients) - len(refused), refused=len(refused))

    async def ping(self) -> bool:
        """Readiness: a fresh connection (EHLO, STARTTLS and AUTH as configured) answers NOOP."""
        client = self._pool.config.client(timeout=self._pool.config.ready_timeout)
        try:
            await client.connect()
            await client.noop()
            await client.quit()
        except Exception:  # readiness reports a failure, it does not raise one
            client.close()
            return False
        return True


def _all_refused(error: SMTPRecipientsRefused) -> Undeliverable:
    """Every recipient refused: permanent only if every refusal was (a 4xx for anyone is worth a retry)."""
    codes = [r.code for r in error.recipients]
    first = error.recipients[0]
    if all(code >= _PERMANENT for code in codes):
        return Undeliverable(f"every recipient refused: {reply(first.code, first.message)}")
    raise SmtpTemporaryFailure(f"recipients refused for now: {reply(first.code, first.message)}")


def _text(error: BaseException) -> str:
    return _ADDRESS.sub("[address]", str(error))[:200]

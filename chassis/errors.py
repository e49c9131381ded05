"""The kinds of trouble a consumer tells apart, and which of them time cures.

- Malformed input is dead-lettered at once: no retry can help.
- A transient failure (a server out of reach, a broker that is electing a leader, a 4xx
  from SMTP, a producer that had to be replaced) is waited out: the work pauses and is
  retried with capped backoff for as long as the failure lasts. It never dead-letters.
- An event that arrives before what it needs is parked (`Waiting`), and its neighbours go on.
- Anything else is a bad record: isolated from its batch and dead-lettered with its context.
"""

import asyncio
from collections.abc import Mapping

from aiokafka.errors import KafkaError, KafkaTimeoutError, KafkaUnavailableError, NoBrokersAvailable
from pymongo.errors import AutoReconnect, ConnectionFailure, ExecutionTimeout, OperationFailure, WTimeoutError


class TransientError(Exception):
    """Raised by adapters for a failure that may pass if tried again later."""


class MalformedRecord(Exception):
    """The record cannot be read as the topic's event; no retry can help.

    `summary` is the reason as a log line may carry it, when the reason itself might quote the
    record (pydantic's messages may): field locations and error types only.
    """

    def __init__(self, reason: str, *, summary: str | None = None) -> None:
        super().__init__(reason)
        self.summary = summary or reason


class Refused(Exception):
    """A well-formed record the handler refuses for good (a reused id, say).

    It is dead-lettered, and logged without a traceback: it is expected, not a fault of the service.
    """


class Waiting(Exception):
    """Some events of a batch need something that has not arrived yet; every other one was handled.

    `waiting` maps each such event's id to what it waits for (a short text for operators, no
    personal data). The chassis parks those records, durably, and hands them to the same
    handler again later; raise it only after the rest of the batch is done.
    """

    def __init__(self, waiting: Mapping[str, str]) -> None:
        self.waiting = dict(waiting)
        first = next(iter(self.waiting.values()), "")
        super().__init__(f"{len(self.waiting)} event(s) wait for what they need, e.g. {first}")


_TRANSIENT: tuple[type[BaseException], ...] = (
    TransientError,
    ConnectionFailure,  # includes AutoReconnect, ServerSelectionTimeoutError, NetworkTimeout
    AutoReconnect,
    ExecutionTimeout,
    WTimeoutError,
    ConnectionError,
    asyncio.TimeoutError,
    KafkaTimeoutError,  # a send or request that got no answer in time (aiokafka calls it not retriable)
    KafkaUnavailableError,
    NoBrokersAvailable,
)


_SERVER_GOING_AWAY = frozenset({6, 7, 89, 91, 189, 262, 9001, 10107, 11600, 11602, 13435, 13436})
"""MongoDB error codes of a server unreachable, shutting down or stepping down (HostUnreachable,
ShutdownInProgress, PrimarySteppedDown, InterruptedAtShutdown, NotWritablePrimary and the like)."""


def _database_going_away(error: OperationFailure) -> bool:
    if error.code in _SERVER_GOING_AWAY or error.has_error_label("RetryableWriteError"):
        return True
    # FerretDB answers the operations in flight when it stops with InternalError "... context canceled".
    return error.code == 1 and "context canceled" in str(error)


def is_transient(error: BaseException) -> bool:
    if isinstance(error, _TRANSIENT):
        return True
    if isinstance(error, OperationFailure):
        return _database_going_away(error)
    # The producer sorts its own errors (chassis.producer); what a consumer or an admin
    # client raises is transient when Kafka says a retry may succeed.
    return isinstance(error, KafkaError) and bool(error.retriable)

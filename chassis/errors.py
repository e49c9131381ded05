"""The three kinds of failure a consumer tells apart.

Malformed input is dead-lettered at once; transient failures (a server out of
reach, a 4xx from SMTP) are retried with backoff; anything else is dead-lettered
with its context after the record has been isolated from its batch.
"""

import asyncio

from aiokafka.errors import KafkaConnectionError, KafkaTimeoutError, RequestTimedOutError
from pymongo.errors import AutoReconnect, ConnectionFailure, ExecutionTimeout, WTimeoutError


class TransientError(Exception):
    """Raised by adapters for a failure that may pass if tried again later."""


class MalformedRecord(Exception):
    """The record cannot be read as the topic's event; no retry can help."""


_TRANSIENT: tuple[type[BaseException], ...] = (
    TransientError,
    ConnectionFailure,  # includes AutoReconnect, ServerSelectionTimeoutError, NetworkTimeout
    AutoReconnect,
    ExecutionTimeout,
    WTimeoutError,
    KafkaConnectionError,
    KafkaTimeoutError,
    RequestTimedOutError,
    ConnectionError,
    asyncio.TimeoutError,
)


def is_transient(error: BaseException) -> bool:
    return isinstance(error, _TRANSIENT)

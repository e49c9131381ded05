"""The service's one Kafka producer: idempotent, acks=all, many records in flight; replaced when it breaks.

Records go straight to aiokafka rather than through FastStream's per-message
publish path, which costs about as much again as the send itself; FastStream
still declares every output topic, so the AsyncAPI documents stay complete.
A batch completes when the broker has acknowledged every record of it.

An idempotent producer can end in a state it never leaves: after a broker restart
the broker may answer `OutOfOrderSequenceNumber` or `UnknownProducerId` to every
later send. No record is at fault, so none may be dead-lettered for it; instead the
producer is replaced (a new producer id, fresh sequence numbers) and the send fails
as transient, so the caller waits a moment and sends again. Every failure that is
not a record's own (too large) is treated the same way: sending is retried, never
abandoned.
"""

import asyncio
from collections.abc import Sequence
from typing import Any

import structlog
from aiokafka import AIOKafkaProducer
from aiokafka.errors import CorruptRecordException, KafkaError, MessageSizeTooLargeError, RecordTooLargeError

from chassis.errors import TransientError
from chassis.kafka_security import client_options

Record = tuple[str, bytes | None, bytes, list[tuple[str, bytes]]]
"""(topic, key, value, headers)."""

MAX_REQUEST_BYTES = 1_048_576
"""aiokafka's default request limit, and so the largest record this producer sends."""

RECORD_ERRORS: tuple[type[KafkaError], ...] = (
    MessageSizeTooLargeError,
    RecordTooLargeError,
    CorruptRecordException,
)
"""Errors about one record, which no retry and no new producer can cure."""

log = structlog.get_logger("chassis.producer")


class Producer:
    def __init__(self, bootstrap_servers: str, client_id: str, *, security: dict[str, Any] | None = None) -> None:
        """`security`: chassis.kafka_security.client_options; read from the environment when not given."""
        self._bootstrap_servers = bootstrap_servers
        self._security = client_options() if security is None else security
        self._client_id = client_id
        self._producer: AIOKafkaProducer | None = None
        self._replacing = asyncio.Lock()
        self.replacements = 0
        """How many times a broken producer was replaced (for metrics and tests)."""

    def _new(self) -> AIOKafkaProducer:
        return AIOKafkaProducer(
            bootstrap_servers=self._bootstrap_servers,
            client_id=self._client_id,
            acks="all",
            enable_idempotence=True,
            # A few milliseconds of lingering lets one request carry many records.
            linger_ms=5,
            max_batch_size=256 * 1024,
            max_request_size=MAX_REQUEST_BYTES,
            request_timeout_ms=30_000,
            **self._security,
        )

    async def start(self) -> None:
        producer = self._new()
        await producer.start()
        self._producer = producer

    async def stop(self) -> None:
        if self._producer is not None:
            await self._producer.stop()
            self._producer = None

    async def ping(self, timeout: float = 2.0) -> bool:
        """True when a broker answered a metadata request just now."""
        if self._producer is None:
            return False
        try:
            return bool(await asyncio.wait_for(self._producer.client.force_metadata_update(), timeout))
        except Exception:  # readiness reports a failure, it does not raise one
            return False

    async def send_all(self, records: Sequence[Record]) -> None:
        """Returns once every record is acknowledged.

        Raises a record's own error (too large) as it is, and anything else as `TransientError`
        after replacing the producer: the caller retries the whole batch, which is idempotent.
        """
        producer = self._producer
        if producer is None:
            producer = await self._replace(None, "no producer running")
        try:
            pending: list[asyncio.Future[Any]] = [
                await producer.send(topic, value, key=key, headers=headers) for topic, key, value, headers in records
            ]
            if pending:
                await asyncio.gather(*pending)
        except RECORD_ERRORS:
            raise
        except KafkaError as error:
            await self._replace(producer, f"{type(error).__name__}: {error}")
            raise TransientError(f"send failed, producer replaced: {type(error).__name__}") from error

    async def _replace(self, broken: AIOKafkaProducer | None, why: str) -> AIOKafkaProducer:
        """Swaps in a new producer unless another send already did; raises TransientError if none starts."""
        async with self._replacing:
            if self._producer is not None and self._producer is not broken:
                return self._producer
            self._producer = None
            if broken is not None:
                log.warning("replacing the Kafka producer", reason=why[:200])
                asyncio.create_task(_stop_quietly(broken))  # noqa: RUF006 - best effort; it may hang on a dead broker
            fresh = self._new()
            try:
                await fresh.start()
            except Exception as error:  # the broker is still away: the caller waits and tries again
                await _stop_quietly(fresh)
                raise TransientError(f"no producer could start: {type(error).__name__}") from error
            self._producer = fresh
            self.replacements += 1
            return fresh


async def _stop_quietly(producer: AIOKafkaProducer, timeout: float = 10.0) -> None:
    try:
        await asyncio.wait_for(producer.stop(), timeout)
    except Exception as error:  # a broken producer may fail to stop; it is dropped either way
        log.debug("a replaced producer did not stop cleanly", error=type(error).__name__)

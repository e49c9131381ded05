"""The service's one Kafka producer: idempotent, acks=all, many records in flight.

Records go straight to aiokafka rather than through FastStream's per-message
publish path, which costs about as much again as the send itself; FastStream
still declares every output topic, so the AsyncAPI documents stay complete.
A batch completes when the broker has acknowledged every record of it.
"""

import asyncio
from collections.abc import Sequence
from typing import Any

from aiokafka import AIOKafkaProducer

Record = tuple[str, bytes | None, bytes, list[tuple[str, bytes]]]
"""(topic, key, value, headers)."""


class Producer:
    def __init__(self, bootstrap_servers: str, client_id: str) -> None:
        self._bootstrap_servers = bootstrap_servers
        self._client_id = client_id
        self._producer: AIOKafkaProducer | None = None

    async def start(self) -> None:
        producer = AIOKafkaProducer(
            bootstrap_servers=self._bootstrap_servers,
            client_id=self._client_id,
            acks="all",
            enable_idempotence=True,
            # A few milliseconds of lingering lets one request carry many records.
            linger_ms=5,
            max_batch_size=256 * 1024,
            request_timeout_ms=30_000,
        )
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
        """Returns once every record is acknowledged; raises if any failed (the caller retries the batch)."""
        if self._producer is None:
            raise RuntimeError("the producer is not started")
        pending: list[asyncio.Future[Any]] = [
            await self._producer.send(topic, value, key=key, headers=headers) for topic, key, value, headers in records
        ]
        if pending:
            await asyncio.gather(*pending)

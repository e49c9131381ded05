"""A stand-in for aiokafka's ConsumerRecord: the attributes decoding, parking and dead-lettering read."""

from dataclasses import dataclass

from contracts.topics import EXAMINATION_DOCUMENTS_SUBMITTED


@dataclass
class Record:
    key: bytes | None
    value: bytes | None
    headers: list[tuple[str, bytes]]
    topic: str = EXAMINATION_DOCUMENTS_SUBMITTED.name
    partition: int = 0
    offset: int = 7
    timestamp: int = 0

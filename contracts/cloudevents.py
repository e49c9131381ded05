"""CloudEvents 1.0 attributes as carried by the Kafka protocol binding.

Every record we write is in binary content mode: its value is the event's `data` as
JSON, its attributes travel as headers named `ce_<attribute>`, and the record key is
the entity id (also the `partitionkey` extension). We read structured content mode as
well (the value is the whole event in the JSON event format, marked by a content-type
of `application/cloudevents+json`), as the binding asks of every receiver. These names
are the contract; encoding and decoding live in the chassis.
"""

from typing import Final

SPEC_VERSION: Final = "1.0"
CONTENT_TYPE: Final = "application/json"
HEADER_PREFIX: Final = "ce_"
CONTENT_TYPE_HEADER: Final = "content-type"
CLOUDEVENTS_MEDIA_TYPE: Final = "application/cloudevents"
"""A content-type starting with this (in any case) marks a structured-mode record."""
STRUCTURED_CONTENT_TYPE: Final = "application/cloudevents+json"
"""The one event format read in structured mode: the JSON event format."""

REQUIRED_ATTRIBUTES: Final = ("specversion", "id", "source", "type")
# Extensions we set on every event (CloudEvents extension names are lower-case alphanumerics).
CORRELATION_EXTENSION: Final = "correlationid"
CAUSATION_EXTENSION: Final = "causationid"
PARTITION_KEY_EXTENSION: Final = "partitionkey"

# Headers added to a record copied to a dead-letter topic.
DLQ_REASON_HEADER: Final = "dlq_reason"
DLQ_ERROR_HEADER: Final = "dlq_error"
DLQ_SOURCE_TOPIC_HEADER: Final = "dlq_source_topic"
DLQ_SOURCE_PARTITION_HEADER: Final = "dlq_source_partition"
DLQ_SOURCE_OFFSET_HEADER: Final = "dlq_source_offset"
DLQ_CONSUMER_GROUP_HEADER: Final = "dlq_consumer_group"
DLQ_ATTEMPTS_HEADER: Final = "dlq_attempts"
DLQ_TRUNCATED_HEADER: Final = "dlq_truncated"
"""`true` when the copy holds only the start of the value (or lacks some original headers) so as to fit the topic."""
DLQ_ORIGINAL_SIZE_HEADER: Final = "dlq_original_size"
"""Bytes of the original value, on every dead letter."""
DLQ_ORIGINAL_SHA256_HEADER: Final = "dlq_original_sha256"
"""Hex SHA-256 of the original value, on every dead letter: a truncated copy can still be matched to its source."""
DLQ_REDRIVEN_FROM_HEADER: Final = "dlq_redriven_from"
"""On a record put back on its source topic by the dead-letter tool (`python -m ops.deadletters redrive`): the
dead letter it came from, `<dead-letter topic>:<partition>:<offset>`. The event keeps its id, so a consumer that
handled it before treats it as the duplicate it is."""

# Values of the dlq_reason header.
DLQ_REASON_MALFORMED: Final = "malformed"
"""Not an event of the topic (not JSON, missing attributes, wrong type, data that fails the contract)."""
DLQ_REASON_FAILED: Final = "failed"
"""A well-formed event the handler refused or failed on, isolated from its batch."""
DLQ_REASON_PREREQUISITE_MISSING: Final = "prerequisite_missing"
"""Parked for what it needed longer than the service's limit (DELIVERY_PARK_MAX_WAIT_SECONDS)."""

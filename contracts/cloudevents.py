"""CloudEvents 1.0 attributes as carried by the Kafka protocol binding (binary content mode).

Every record's value is the event's `data` as JSON; its attributes travel as headers
named `ce_<attribute>`, and the record key is the entity id (the `partitionkey`
extension). These names are the contract; encoding and decoding live in the chassis.
"""

from typing import Final

SPEC_VERSION: Final = "1.0"
CONTENT_TYPE: Final = "application/json"
HEADER_PREFIX: Final = "ce_"
CONTENT_TYPE_HEADER: Final = "content-type"

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

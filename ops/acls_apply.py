"""Creates ACLs on the broker through the Kafka protocol's CreateAcls request.

aiokafka's admin client has no create_acls yet; its protocol layer has the request, sent here as the
admin client sends its own. Creating an ACL that exists already changes nothing, so applying is idempotent.
"""

import os
from collections.abc import Sequence
from typing import Any, Final

from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.protocol.admin import CreateAclsRequest

from chassis.kafka_security import client_options
from ops.acls import Acl

# The protocol's codes (Kafka's ResourceType, PatternType, AclOperation and AclPermissionType).
RESOURCE: Final = {"TOPIC": 2, "GROUP": 3, "CLUSTER": 4}
PATTERN: Final = {"LITERAL": 3, "PREFIXED": 4}
OPERATION: Final = {"READ": 3, "WRITE": 4, "DESCRIBE": 8, "IDEMPOTENT_WRITE": 12}
ALLOW: Final = 3


class AclRefused(Exception):
    pass


async def apply(acls: Sequence[Acl], bootstrap: str | None = None) -> int:
    """Creates every ACL (one request each: aiokafka's request carries one); returns how many."""
    admin = AIOKafkaAdminClient(
        bootstrap_servers=bootstrap or os.environ["KAFKA_BOOTSTRAP_SERVERS"], client_id="ops.acls", **client_options()
    )
    await admin.start()
    try:
        for acl in acls:
            request = CreateAclsRequest(
                RESOURCE[acl.resource],
                acl.name,
                PATTERN[acl.pattern],
                f"User:{acl.principal}",
                "*",
                OPERATION[acl.operation],
                ALLOW,
            )
            response: Any = await admin._send_request(request)
            for error_code, message in response.creation_responses:
                if error_code:
                    raise AclRefused(f"{acl}: error {error_code} {message}")
    finally:
        await admin.close()
    return len(acls)

"""The broker's ACLs, drawn from the topic catalogue: who may write, read and consume what.

python -m ops.acls print        every ACL, one a line
python -m ops.acls apply        creates them on the broker at KAFKA_BOOTSTRAP_SERVERS, as a super user
                                (KAFKA_SECURITY_PROTOCOL, KAFKA_SASL_USERNAME, KAFKA_SASL_PASSWORD_FILE, ...)
python -m ops.acls principals   the principals the ACLs name (deploy/servers.sh makes a password for each)

Each principal is a topic's writer or reader as contracts/topics.py names it (User:<name>). A writer may
write (and describe) only its topics, with idempotent producers. A reader may read its inputs, write their
dead-letter topics (its consumers dead-letter there) and use only its own consumer groups (`<name>.`, see
chassis.delivery.group_id). Reporting, which reports every group's lag and every dead-letter topic's size,
may also describe every topic and group (offsets, never records). Whatever no ACL allows is refused: the
broker runs the StandardAuthorizer without allow.everyone.if.no.acl.found. docs/security.md.
"""

import asyncio
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Final, Literal

from contracts.topics import CATALOGUE, DLQ_SUFFIX, Topic

Resource = Literal["TOPIC", "GROUP", "CLUSTER"]
Pattern = Literal["LITERAL", "PREFIXED"]
Operation = Literal["READ", "WRITE", "DESCRIBE", "IDEMPOTENT_WRITE"]

MONITORS: Final = frozenset({"reporting"})
"""Principals that read offsets (not records) of every topic and group: reporting's lag and dead-letter figures."""
ANY: Final = "*"
CLUSTER: Final = "kafka-cluster"


@dataclass(frozen=True, order=True)
class Acl:
    principal: str
    resource: Resource
    name: str
    pattern: Pattern
    operation: Operation

    def __str__(self) -> str:
        return f"User:{self.principal} ALLOW {self.operation} on {self.resource} {self.name} ({self.pattern})"


def principals(catalogue: Iterable[Topic] = CATALOGUE) -> list[str]:
    return sorted({name for topic in catalogue for name in (topic.writer, *topic.readers)})


def acls(catalogue: Sequence[Topic] = CATALOGUE) -> list[Acl]:
    """Every ACL, sorted, without duplicates (two inputs share no dead-letter topic, but they might)."""
    found: set[Acl] = set()
    for topic in catalogue:
        found |= {
            Acl(topic.writer, "TOPIC", topic.name, "LITERAL", "WRITE"),
            Acl(topic.writer, "TOPIC", topic.name, "LITERAL", "DESCRIBE"),
            Acl(topic.writer, "CLUSTER", CLUSTER, "LITERAL", "IDEMPOTENT_WRITE"),
        }
        for reader in topic.readers:
            found |= {
                Acl(reader, "TOPIC", topic.name, "LITERAL", "READ"),
                Acl(reader, "TOPIC", topic.name + DLQ_SUFFIX, "LITERAL", "WRITE"),
                Acl(reader, "TOPIC", topic.name + DLQ_SUFFIX, "LITERAL", "DESCRIBE"),
                Acl(reader, "GROUP", f"{reader}.", "PREFIXED", "READ"),
                Acl(reader, "CLUSTER", CLUSTER, "LITERAL", "IDEMPOTENT_WRITE"),
            }
    for monitor in MONITORS & set(principals(catalogue)):
        found |= {Acl(monitor, "TOPIC", ANY, "LITERAL", "DESCRIBE"), Acl(monitor, "GROUP", ANY, "LITERAL", "DESCRIBE")}
    return sorted(found)


def main(argv: Sequence[str]) -> int:
    command = argv[0] if argv else ""
    if command == "print":
        print("\n".join(str(acl) for acl in acls()))
    elif command == "principals":
        print("\n".join(principals()))
    elif command == "apply":
        from ops.acls_apply import apply  # aiokafka only where the broker is asked

        count = asyncio.run(apply(acls()))
        print(f"{count} ACLs applied")
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

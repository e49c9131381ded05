"""Finds the real servers the integration tests run against.

In order: servers named by the environment (KAFKA_BOOTSTRAP_SERVERS, MONGODB_URI,
SMTP_HOST/SMTP_PORT); containers, when a Docker engine answers; the project's own
local servers (deploy/servers.sh), started if they are not running. A test that
needs a server and finds none fails with a message saying how to provide one.
"""

import os
import shutil
import socket
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Servers:
    kafka_bootstrap: str
    mongodb_uri: str


def _reachable(host_port: str, timeout: float = 1.0) -> bool:
    host, _, port = host_port.rpartition(":")
    try:
        with socket.create_connection((host or "127.0.0.1", int(port)), timeout=timeout):
            return True
    except OSError:
        return False


def _docker_available() -> bool:
    if shutil.which("docker") is None:
        return False
    return subprocess.run(["docker", "info"], capture_output=True, timeout=20).returncode == 0


def _from_containers(stack: list[Any]) -> Servers:
    from testcontainers.kafka import KafkaContainer
    from testcontainers.mongodb import MongoDbContainer

    kafka = KafkaContainer("apache/kafka:4.1.1").with_kraft()
    mongo = MongoDbContainer("mongo:8")
    for container in (kafka, mongo):
        container.start()
        stack.append(container)
    return Servers(kafka.get_bootstrap_server(), mongo.get_connection_url())


def _local() -> Servers:
    kafka = f"127.0.0.1:{os.environ.get('KAFKA_PORT', '9092')}"
    mongo = f"127.0.0.1:{os.environ.get('MONGO_PORT', '27017')}"
    if not (_reachable(kafka) and _reachable(mongo)):
        result = subprocess.run(
            [str(REPO / "deploy" / "servers.sh"), "start", "kafka", "mongo"],
            capture_output=True,
            text=True,
            timeout=300,
        )
        if result.returncode != 0:
            pytest.fail(
                "No Kafka broker or MongoDB-protocol server for the integration tests, and the project's local "
                "servers would not start. Set KAFKA_BOOTSTRAP_SERVERS and MONGODB_URI, start a Docker engine, or "
                f"run `make install servers-up`.\n{result.stdout}\n{result.stderr}",
                pytrace=False,
            )
    _as_admin_of_the_local_broker()
    return Servers(kafka, f"mongodb://{mongo}/?directConnection=true")


def _as_admin_of_the_local_broker() -> None:
    """The local broker is secured (deploy/servers.sh, KAFKA_SECURITY=on): the tests' clients are its super user."""
    secrets = Path(os.environ.get("STATE_DIR", REPO / ".state")) / "secrets" / "kafka"
    if os.environ.get("KAFKA_SECURITY", "on") != "on" or not (secrets / "admin.password").exists():
        return
    os.environ.setdefault("KAFKA_SECURITY_PROTOCOL", "SASL_SSL")
    os.environ.setdefault("KAFKA_SASL_USERNAME", "admin")
    os.environ.setdefault("KAFKA_SASL_PASSWORD_FILE", str(secrets / "admin.password"))
    os.environ.setdefault("KAFKA_SSL_CAFILE", str(secrets / "ca.pem"))


def resolve(stack: list[Any]) -> Servers:
    kafka = os.environ.get("KAFKA_BOOTSTRAP_SERVERS")
    mongo = os.environ.get("MONGODB_URI")
    if kafka and mongo:
        for name, address in (
            ("Kafka", kafka.split(",")[0]),
            ("MongoDB", mongo.split("//")[-1].split("/")[0]),
        ):
            if not _reachable(address, timeout=5):
                pytest.fail(f"{name} at {address} (from the environment) does not answer.", pytrace=False)
        return Servers(kafka, mongo)
    if os.environ.get("TESTS_USE_DOCKER", "auto") != "no" and _docker_available():
        return _from_containers(stack)
    return _local()

"""A private copy of the whole system on this machine: its own servers, services, ports and state folder.

Why: a benchmark or a fault run must see the system as it really runs (four separate
service processes over real Kafka, FerretDB and the SMTP sink) without counting what
the developer's own servers hold, or disturbing them. So each harness names a state
folder and a block of ports, and drives deploy/servers.sh and deploy/services.sh with
them; every run starts from an empty folder. The scripts start each server and service
in its own session, so its whole process group can be signalled: that is how the fault
suite kills one, and how `down` leaves nothing behind.
"""

import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from bench._kafka import rss_mb

REPO = Path(__file__).resolve().parents[1]
SERVICES = ("intake", "eligibility", "notification", "reporting")
NODE_PORT_STEP = 100
"""Kafka node N listens on the first node's ports plus this times N-1 (deploy/servers.sh's default)."""


@dataclass(frozen=True)
class Stack:
    state: Path
    kafka_port: int
    """The first node's client port; its controller listens on the next one."""
    mongo_port: int
    smtp_port: int
    http_port: int
    """Intake's HTTP port; eligibility, notification and reporting take the next three."""
    kafka_nodes: int = 1
    log_level: str = "warning"
    output: Path | None = None
    """Where the deploy scripts' own lines go (appended); None: this process's stdout."""
    backend: str | None = None
    """FerretDB's storage, sqlite or postgresql (deploy/servers.sh's MONGO_BACKEND); None: the environment's."""

    @property
    def bootstrap(self) -> str:
        return ",".join(f"127.0.0.1:{self.kafka_port + NODE_PORT_STEP * n}" for n in range(self.kafka_nodes))

    @property
    def mongodb_uri(self) -> str:
        return f"mongodb://127.0.0.1:{self.mongo_port}/?directConnection=true"

    @property
    def messages(self) -> Path:
        """Where the SMTP sink stores every message it accepted."""
        return self.state / "smtp" / "messages"

    @property
    def env(self) -> dict[str, str]:
        ports = {f"{s.upper()}_PORT": str(self.http_port + n) for n, s in enumerate(SERVICES)}
        return {
            **os.environ,
            **ports,
            "STATE_DIR": str(self.state),
            "KAFKA_NODES": str(self.kafka_nodes),
            "KAFKA_PORT": str(self.kafka_port),
            "KAFKA_CONTROLLER_PORT": str(self.kafka_port + 1),
            "KAFKA_PORT_STEP": str(NODE_PORT_STEP),
            "MONGO_PORT": str(self.mongo_port),
            "SMTP_PORT": str(self.smtp_port),
            "KAFKA_BOOTSTRAP_SERVERS": self.bootstrap,
            "MONGODB_URI": self.mongodb_uri,
            "LOG_LEVEL": self.log_level,
            **({"MONGO_BACKEND": self.backend} if self.backend else {}),
        }

    def fresh(self) -> None:
        """Stops whatever an interrupted earlier run left running here, then empties the folder."""
        if self.state.exists():
            self.down()
        shutil.rmtree(self.state, ignore_errors=True)
        (self.state / "kafka").mkdir(parents=True)
        (self.state / "kafka" / "libs").symlink_to(REPO / ".state" / "kafka" / "libs")
        (self.state / "bin").symlink_to(REPO / ".state" / "bin")

    def servers(self, action: str, *names: str) -> None:
        self._script("servers.sh", action, *names)
        if action in ("start", "restart"):
            self.as_admin()

    def as_admin(self) -> None:
        """This process's Kafka clients (loaders, probes, provisioning) become the secured broker's super user,
        as deploy/kafka/admin.sh does; the services started by deploy/services.sh are each their own principal."""
        secrets = self.state / "secrets" / "kafka"
        if os.environ.get("KAFKA_SECURITY", "on") != "on" or not (secrets / "admin.password").exists():
            return
        os.environ.update(
            KAFKA_SECURITY_PROTOCOL="SASL_SSL",
            KAFKA_SASL_USERNAME="admin",
            KAFKA_SASL_PASSWORD_FILE=str(secrets / "admin.password"),
            KAFKA_SSL_CAFILE=str(secrets / "ca.pem"),
        )

    def services(self, action: str, *names: str) -> None:
        """Names are services or extra instances of one (`intake-2`: same service and consumer groups)."""
        self._script("services.sh", action, *names)

    def down(self, grace: float = 30) -> None:
        """Stops every service instance and server of this stack, killing what is still up after `grace` s.

        Never raises, so it can run in `finally`. A grace of 0 is a teardown that keeps nothing:
        SIGTERM and SIGKILL at once.
        """
        for script in ("services.sh", "servers.sh"):
            self._script(script, "stop", check=False, STOP_TIMEOUT=f"{grace:.0f}")

    def pid(self, instance: str) -> int | None:
        """The process group of a running service instance or server (its pid file's pid), else None."""
        for file in (self.state / "services" / f"{instance}.pid", self.state / instance / f"{instance}.pid"):
            try:
                pid = int(file.read_text().strip())
            except (OSError, ValueError):
                continue
            if _alive(pid):
                return pid
        return None

    def peak_rss_mb(self, instance: str) -> float:
        """VmHWM of an instance's Python process (its pid file holds `uv run`, the parent)."""
        parent = self.pid(instance)
        if parent is None:
            return float("nan")
        service = instance.rsplit("-", 1)[0] if instance[-1].isdigit() else instance
        children = subprocess.run(["pgrep", "-P", str(parent)], capture_output=True, text=True).stdout.split()
        for pid in [str(parent), *children]:
            try:
                argv = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
            except OSError:
                continue
            # The program itself, not `uv run ... python -m services.x`, whose arguments name it too.
            if Path(argv[0].decode()).name.startswith("python") and f"services.{service}".encode() in argv:
                return rss_mb(pid)
        return float("nan")

    def _script(self, name: str, *args: str, check: bool = True, **env: str) -> None:
        command = [str(REPO / "deploy" / name), *args]
        if self.output is None:
            subprocess.run(command, check=check, env={**self.env, **env})
            return
        self.output.parent.mkdir(parents=True, exist_ok=True)
        with self.output.open("a") as log:
            result = subprocess.run(command, env={**self.env, **env}, stdout=log, stderr=subprocess.STDOUT)
        if check and result.returncode:
            raise RuntimeError(f"deploy/{name} {' '.join(args)} failed ({result.returncode}): see {self.output}")


def _alive(pid: int) -> bool:
    """Running and not a zombie (a reaped-late process keeps its pid but has no cmdline)."""
    try:
        return bool(Path(f"/proc/{pid}/cmdline").read_bytes())
    except OSError:
        return False

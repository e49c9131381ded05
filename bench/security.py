"""The bare relay (bench/baseline.py) on the secured broker beside a plaintext one, alternated in one run.

    uv run --no-sync python bench/security.py [--relay-records 5000] [--rounds 2]

Starts a plaintext broker (KAFKA_SECURITY=off) and a secured one (TLS + SCRAM-SHA-512 + ACLs) side by side from
deploy/servers.sh, each in its own state folder on ports of the block KAFKA_PORT_BASE (default 3692/3693 and
3694/3695), runs the relay on each in turn, and prints records per second and CPU seconds per 1000 records of
this process (relay, loader and probe) and of the broker. Both brokers are stopped at the end.
"""

import argparse
import asyncio
import os
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import baseline
from bench._usage import group_cpu_seconds

REPO = Path(__file__).resolve().parents[1]


class Broker:
    def __init__(self, name: str, secured: bool, port: int) -> None:
        self.name, self.secured, self.port = name, secured, port
        self.state = REPO / ".state" / f"bench-security-{name}"
        self.env = {
            **os.environ,
            "STATE_DIR": str(self.state),
            "KAFKA_SECURITY": "on" if secured else "off",
            "KAFKA_PORT": str(port),
            "KAFKA_CONTROLLER_PORT": str(port + 1),
            "START_TIMEOUT": os.environ.get("START_TIMEOUT", "600"),  # a loaded machine formats slowly
        }

    def servers(self, action: str, *, check: bool = True) -> None:
        (self.state / "kafka").mkdir(parents=True, exist_ok=True)
        libs = self.state / "kafka" / "libs"
        if not libs.exists():
            libs.symlink_to((REPO / ".state" / "kafka" / "libs").resolve())
        subprocess.run([str(REPO / "deploy" / "servers.sh"), action, "kafka"], env=self.env, check=check)

    @property
    def pid(self) -> int:
        return int((self.state / "kafka" / "kafka.pid").read_text())

    def use(self) -> None:
        """This process's clients (the relay's settings included) reach this broker, as admin when secured."""
        for name in ("KAFKA_SECURITY_PROTOCOL", "KAFKA_SASL_USERNAME", "KAFKA_SASL_PASSWORD_FILE", "KAFKA_SSL_CAFILE"):
            os.environ.pop(name, None)
        if self.secured:
            secrets = self.state / "secrets" / "kafka"
            os.environ.update(
                KAFKA_SECURITY_PROTOCOL="SASL_SSL",
                KAFKA_SASL_USERNAME="admin",
                KAFKA_SASL_PASSWORD_FILE=str(secrets / "admin.password"),
                KAFKA_SSL_CAFILE=str(secrets / "ca.pem"),
            )


async def measure(broker: Broker, records: int) -> dict[str, float]:
    broker.use()
    own, kafka = time.process_time(), group_cpu_seconds(broker.pid)
    figures = await baseline.bare_relay(records, f"127.0.0.1:{broker.port}")
    own, kafka = time.process_time() - own, group_cpu_seconds(broker.pid) - kafka
    return {
        "records_per_s": figures["relay_records_per_s"],
        "client_cpu_s_per_1000": own / records * 1000,
        "broker_cpu_s_per_1000": kafka / records * 1000,
    }


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--relay-records", type=int, default=5_000)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--port", type=int, default=int(os.environ.get("KAFKA_PORT_BASE", "3692")))
    args = parser.parse_args()
    brokers = [Broker("off", False, args.port + 2), Broker("on", True, args.port)]
    rows: list[tuple[str, dict[str, float]]] = []
    try:
        for broker in brokers:
            broker.servers("start")
        for n in range(args.rounds):
            for broker in brokers if n % 2 == 0 else reversed(brokers):
                rows.append((broker.name, await measure(broker, args.relay_records)))
                print(broker.name, {k: round(v, 3) for k, v in rows[-1][1].items()}, flush=True)
    finally:
        for broker in brokers:
            broker.servers("stop", check=False)
    print("| security | round | records/s | client CPU s / 1000 records | broker CPU s / 1000 records |")
    print("|---|---|---|---|---|")
    for n, (name, row) in enumerate(rows):
        print(
            f"| {name} | {n // 2 + 1} | {row['records_per_s']:.0f} | {row['client_cpu_s_per_1000']:.3f} "
            f"| {row['broker_cpu_s_per_1000']:.3f} |"
        )


if __name__ == "__main__":
    asyncio.run(main())

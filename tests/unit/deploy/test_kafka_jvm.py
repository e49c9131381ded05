"""The broker's JVM flags in deploy/servers.sh: chosen for two cores shared with four services."""

import re
from pathlib import Path

SERVERS = Path(__file__).resolve().parents[3] / "deploy" / "servers.sh"


def broker_jvm_flags() -> list[str]:
    launch = re.search(r"java=\(java (.*?)\n\s+-cp", SERVERS.read_text(), re.DOTALL)
    assert launch is not None, "deploy/servers.sh no longer builds the broker's java command as java=(java ...)"
    return launch.group(1).split()


def test_the_broker_runs_the_serial_collector_and_the_c1_compiler_only() -> None:
    flags = broker_jvm_flags()

    # G1's concurrent threads and C2's compiling cost the broker more CPU than they save on two cores.
    assert "-XX:+UseSerialGC" in flags
    assert "-XX:TieredStopAtLevel=1" in flags
    assert not [f for f in flags if f.startswith("-XX:+UseG1GC") or f.startswith("-XX:MaxGCPauseMillis")]
    assert "-Xmx512m" in flags

"""The fault suite's short version, run as `make faults` runs it: every row must be on target.

It starts its own servers and services (bench/faults.py, on `make faults`' ports plus
PORT_OFFSET: Kafka 30092, FerretDB 28019, SMTP 22025, services 2908x), so that it can run
beside a `make faults` of another checkout; it takes a few minutes. On failure the
assertion shows the suite's whole output: the table, and what each row off target missed.
"""

import signal
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
PORT_OFFSET = 1000
"""Clear of every port `make faults` uses (its cluster's 29192 and 29292, its second instances' 2818x)."""
LIMIT_SECONDS = 1800
"""Far beyond a passing run; a run that stalls gives up on its own long before (bench/faults.py --stall)."""


@pytest.mark.servers
@pytest.mark.timeout(LIMIT_SECONDS + 120)
def test_no_notice_is_lost_or_repeated_and_only_poison_is_dead_lettered_under_the_short_fault_suite() -> None:
    suite = subprocess.Popen(
        [sys.executable, str(REPO / "bench" / "faults.py"), "--short", "--port-offset", str(PORT_OFFSET)],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        output, _ = suite.communicate(timeout=LIMIT_SECONDS)
    except subprocess.TimeoutExpired:
        suite.send_signal(signal.SIGTERM)  # the suite stops what it started on SIGTERM, as on Ctrl-C
        output, _ = suite.communicate(timeout=120)
        pytest.fail(f"the short fault suite did not finish in {LIMIT_SECONDS}s:\n{output}", pytrace=False)
    assert suite.returncode == 0, f"the short fault suite missed its targets (exit {suite.returncode}):\n{output}"
    assert "| baseline |" in output, output

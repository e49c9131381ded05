"""The fault suite's scenarios, by name: one fault each, and `baseline` with none.

Why `baseline`: it checks the harness's own expectations (which statuses and how many
notices a clean run ends with) against the real system, so a row that misses a target
under a fault is the fault's doing, not the formula's.
"""

import signal
from functools import partial

from bench import _faults as f
from bench._records import out_of_order, poison
from bench._run import Run, Scenario
from bench._stack import SERVICES

CRASH_WINDOW = 3
"""Duplicates a SIGKILL of notification may cause: the notices whose last line was written just before the kill
and whose outcome insert had not left the process (docs/notification-delivery.md). Measured at this load with
outcomes recorded at the last line: 0 in 5 runs of 760 notices; recorded at the server's answer, one insert at
a time, it was 0 to 5."""


async def nothing(run: Run) -> None:
    """The baseline's fault."""


def catalogue() -> dict[str, Scenario]:
    scenarios = [Scenario("baseline", "no fault: the expectations themselves", nothing)]
    for service in SERVICES:
        for sig in (signal.SIGKILL, signal.SIGTERM):
            scenarios.append(
                Scenario(
                    f"{sig.name.lower()}-{service}",
                    f"{sig.name} to {service}'s process group, restarted 3 s after it is gone",
                    partial(f.restart_service, instance=service, sig=sig),
                    crash_window=CRASH_WINDOW if (service, sig) == ("notification", signal.SIGKILL) else 0,
                )
            )
    for seconds in (20, 120):
        scenarios.append(
            Scenario(
                f"kafka-down-{seconds}s",
                f"the broker stopped {seconds} s",
                partial(f.server_away, server="kafka", seconds=seconds),
            )
        )
    for seconds in (15, 120):
        scenarios.append(
            Scenario(
                f"mongo-down-{seconds}s",
                f"FerretDB stopped {seconds} s",
                partial(f.server_away, server="mongo", seconds=seconds),
            )
        )
    scenarios += [
        Scenario("smtp-down-60s", "the SMTP server gone 60 s", partial(f.server_away, server="smtp", seconds=60)),
        Scenario(
            "smtp-451-60s",
            "the SMTP server answers 451 to every message for 60 s",
            partial(f.smtp_refusing, seconds=60),
        ),
        Scenario("out-of-order", "decisions and document requests published before their submissions", out_of_order),
        Scenario("poison", "every kind of unusable record on the portal and examination topics", poison),
        Scenario(
            "cluster-sigkill-broker",
            "three Kafka nodes (RF 3, min ISR 2); node 1 SIGKILLed, started again 15 s later",
            partial(f.broker_killed, node="kafka-1", down_for=15),
            kafka_nodes=3,
        ),
    ]
    for service in SERVICES:
        scenarios.append(
            Scenario(
                f"twins-sigkill-{service}",
                f"two instances of every service; one {service} SIGKILLed, not restarted",
                partial(f.kill_instance, instance=service),
                twins=True,
                crash_window=CRASH_WINDOW if service == "notification" else 0,
            )
        )
    return {s.name: s for s in scenarios}


SHORT = ("baseline", "mongo-down-15s", "out-of-order", "poison", "sigkill-notification")
"""`--short`: a few faults of different kinds, for the test suite."""

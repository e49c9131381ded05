"""Where the running system is: flags, else the environment deploy/services.sh reads, else its defaults."""

import argparse
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class DemoSettings:
    intake_url: str
    kafka: str
    jwt_secret: str
    """The HS256 secret intake verifies development tokens with (its JWT_SECRET)."""
    mail_dir: Path
    """Where the SMTP sink stores every message it accepts."""
    topic_prefix: str = ""
    """For an isolated copy of the system whose services run with `build(..., topic_prefix=...)`."""
    eligibility_name: str = "eligibility"
    """The eligibility service's name, which names its consumer groups (`<name>.<topic>`)."""
    timeout: float = 120.0


def parse(argv: Sequence[str] | None = None, environ: Mapping[str, str] = os.environ) -> DemoSettings:
    state = Path(environ.get("STATE_DIR", REPO / ".state"))
    kafka = environ.get("KAFKA_BOOTSTRAP_SERVERS", f"127.0.0.1:{environ.get('KAFKA_PORT', '9092')}")
    parser = argparse.ArgumentParser(
        prog="python -m deploy.demo",
        description="Approve the demo organisation, submit the documented example, follow it to acceptance.",
    )
    parser.add_argument("--intake-url", default=f"http://127.0.0.1:{environ.get('INTAKE_PORT', '8081')}")
    parser.add_argument("--kafka", default=kafka, help="bootstrap servers (default: KAFKA_BOOTSTRAP_SERVERS)")
    parser.add_argument(
        "--jwt-secret-file",
        type=Path,
        default=state / "dev" / "jwt-secret",
        help="intake's development secret, as deploy/services.sh makes it (JWT_SECRET in the environment wins)",
    )
    parser.add_argument("--mail-dir", type=Path, default=state / "smtp" / "messages", help="the SMTP sink's folder")
    parser.add_argument("--topic-prefix", default="", help="the prefix an isolated copy of the system runs under")
    parser.add_argument("--eligibility-name", default="eligibility", help="names eligibility's consumer groups")
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds to wait for each step")
    args = parser.parse_args(argv)
    secret = environ.get("JWT_SECRET") or _read(args.jwt_secret_file)
    if not secret:
        parser.error(
            f"no JWT secret: set JWT_SECRET, or start the system with `make run` (it writes {args.jwt_secret_file})"
        )
    return DemoSettings(
        intake_url=args.intake_url,
        kafka=args.kafka,
        jwt_secret=secret,
        mail_dir=args.mail_dir,
        topic_prefix=args.topic_prefix,
        eligibility_name=args.eligibility_name,
        timeout=args.timeout,
    )


def _read(path: Path) -> str:
    try:
        return path.read_text().strip()  # as the shell's $(cat ...) reads it for the services
    except FileNotFoundError:
        return ""

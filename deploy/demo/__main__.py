"""`python -m deploy.demo [--help]` (or `make demo`): exit status 0 once the application is accepted."""

import sys
from collections.abc import Sequence

import uvloop

from deploy.demo.errors import DemoError
from deploy.demo.run import run
from deploy.demo.settings import parse


def main(argv: Sequence[str] | None = None) -> int:
    settings = parse(argv)

    def say(line: str) -> None:
        print(line, flush=True)

    try:
        accepted = uvloop.run(run(settings, say))
    except DemoError as error:
        print(f"demo: {error}", file=sys.stderr)
        return 2
    if not accepted:
        print("demo: the application was not accepted (its reasons are on the timeline)", file=sys.stderr)
    return 0 if accepted else 1


if __name__ == "__main__":
    sys.exit(main())

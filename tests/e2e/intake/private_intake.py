"""The test's copy of intake in a process of its own: `python -m tests.e2e.intake.private_intake NAME PREFIX`.

`python -m services.intake` under the copy's name and topic prefix (as every service's copy is isolated), so
that nothing outside the test reacts to it.
"""

import sys

from services.intake.__main__ import main

if __name__ == "__main__":
    main(name=sys.argv[1], topic_prefix=sys.argv[2])

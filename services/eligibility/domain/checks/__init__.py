"""The individual rules. Each check is a pure function `Case -> Iterator[Finding]`, testable alone."""

from collections.abc import Callable, Iterator

from services.eligibility.domain.case import Case
from services.eligibility.domain.reasons import Finding

Check = Callable[[Case], Iterator[Finding]]

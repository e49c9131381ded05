"""An input's path seen from one status: the steps still ahead, whether they may be taken now, or later.

The last question tells an early input from one that will never apply. Early means
"not allowed now, but allowed from a status the application can still reach"
(`LATER`, derived from the allowed moves): a decision while the application is
only submitted, a card dispatched before any decision, documents submitted before
they were requested. A rank above the current status is not enough: an ineligible
assessment outranks under_examination yet can never apply after acceptance, and a
second decision never applies after the first; an input like that would wait for
what cannot come, so it is ignored instead.
"""

from itertools import pairwise

from contracts.intake import ApplicationStatus as S
from services.intake.domain.transitions import LATER, RANK, TRANSITIONS


def ahead(status: S, path: tuple[S, ...]) -> tuple[S, ...]:
    """The steps of `path` still ahead of `status`: those reached or passed (by rank) are skipped."""
    return tuple(s for s in path if s != status and RANK[s] >= RANK[status])


def allowed(status: S, steps: tuple[S, ...]) -> bool:
    """Whether every step is an allowed move from the one before it, starting at `status`."""
    return all(after in TRANSITIONS[before] for before, after in pairwise((status, *steps)))


def applies_from(status: S, path: tuple[S, ...]) -> tuple[S, ...]:
    """The nearest statuses (by rank) still reachable from `status` from which `path` would be taken; () if none."""
    able = [later for later in LATER[status] if (steps := ahead(later, path)) and allowed(later, steps)]
    nearest = min((RANK[s] for s in able), default=None)
    return tuple(sorted(s for s in able if RANK[s] == nearest))

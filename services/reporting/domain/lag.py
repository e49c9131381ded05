"""Whose consumer group is whose: the system's lag, per service, from group names alone.

Every subscription in the system has its own consumer group named `<service>.<topic>`
(`chassis.delivery.group_id`), and every topic is in the catalogue, so a group whose name ends
in `.<catalogued topic>` belongs to the service named before it. Service names hold no dot, so
a group of a side-by-side copy (`<service>.<prefix>.<topic>`, as tests run) is not taken for a
service of the unprefixed system. Only the system's services count (`SYSTEM_SERVICES`): a
group left behind by a copy under another name, or by a consumer retired long ago, would
otherwise show a lag that grows for ever and that nobody will ever work off. A service of
the system that is stopped still counts: its lag growing is what the dashboard is for.
"""

from collections.abc import Collection, Mapping
from typing import NamedTuple


class Subscription(NamedTuple):
    service: str
    topic: str


def subscription_of(group: str, topics: Collection[str], services: Collection[str]) -> Subscription | None:
    """The service and topic a consumer group reads, or None for a group that is not one of ours."""
    for topic in sorted(topics, key=len, reverse=True):
        service = group.removesuffix("." + topic)
        if service != group and service in services:
            return Subscription(service, topic)
    return None


def per_service(lag_by_group: Mapping[str, int], topics: Collection[str], services: Collection[str]) -> dict[str, int]:
    """Records not yet consumed, summed over each service's groups; groups not of ours are left out."""
    totals: dict[str, int] = {}
    for group, lag in lag_by_group.items():
        if (found := subscription_of(group, topics, services)) is not None:
            totals[found.service] = totals.get(found.service, 0) + lag
    return dict(sorted(totals.items()))

"""Step 1: the bureau grants the demo organisation's approval, and the demo waits until it is usable.

Usable means eligibility holds it: reporting has announced the approval on
`reporting.approval-changed.v1` (in force today), and eligibility's consumer group has read past
that announcement. Until then a filing would be judged without it, and found not eligible.
"""

import asyncio
from datetime import date

from chassis.delivery import group_id
from contracts.organisations import ApprovalChanged, ApprovalState
from contracts.topics import REPORTING_APPROVAL_CHANGED
from deploy.demo import kafka, organisation
from deploy.demo.errors import DemoError
from deploy.demo.settings import DemoSettings


async def grant_and_wait(settings: DemoSettings, today: date) -> ApprovalChanged:
    """The approval as eligibility now holds it."""
    deadline = asyncio.get_running_loop().time() + settings.timeout
    granted = organisation.grant(today)
    await kafka.publish(settings.kafka, organisation.grant_record(granted, settings.topic_prefix))
    changes = REPORTING_APPROVAL_CHANGED.prefixed(settings.topic_prefix)
    record = await kafka.newest_keyed(settings.kafka, changes.name, granted.approval_id.encode(), deadline)
    approval = ApprovalChanged.model_validate_json(record.value)
    if approval.state is not ApprovalState.ACTIVE or not approval.valid_from <= today < approval.valid_until:
        raise DemoError(
            f"approval {approval.approval_id} is {approval.state.value} (valid {approval.valid_from} to "
            f"{approval.valid_until}, exclusive): a new grant needs a new approval id"
        )
    await kafka.wait_read_past(settings.kafka, group_id(settings.eligibility_name, changes), record, deadline)
    return approval

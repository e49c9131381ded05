"""On the real servers: notification's /metrics parses and counts a notice the mail server took."""

from contracts import topics as catalogue
from tests.integration.metrics_text import groups_with_lag, samples
from tests.integration.notification.harness import Harness
from tests.running import running
from tests.unit.notification.samples import accepted


async def test_a_sent_notice_is_counted_by_kind_and_every_group_has_its_lag(notification: Harness) -> None:
    service = notification.service()
    async with running(service) as http:
        await notification.send((catalogue.INTAKE_APPLICATION_ACCEPTED, accepted(), "evt-acc-1"))
        await notification.wait_for(catalogue.NOTIFICATION_NOTICE_SENT, 1)
        found = samples((await http.get("/metrics")).text)

    assert found["notification_notices_total", (("kind", "application_accepted"), ("outcome", "sent"))] == 1
    accepted_topic = notification.topic(catalogue.INTAKE_APPLICATION_ACCEPTED).name
    subscription = (("group", f"{notification.name}.{accepted_topic}"), ("topic", accepted_topic))
    assert found["delivery_records_handled_total", subscription] == 1
    assert groups_with_lag(found) == {d.group_id for d in service.deliveries}

"""How fast the notification domain plans and renders notices: `uv run python bench/notification_render.py`.

The service must hand at least 500 notices a second to a local SMTP server, so
rendering (Jinja, MIME building and serialising to bytes, as the SMTP adapter does)
must run well above that. Notices cycle through every kind, in both languages.
"""

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from services.notification.adapters.mail.render import Renderer
from services.notification.adapters.mail.wire import message_bytes
from services.notification.adapters.tariff import load_tariff
from services.notification.domain.contacts import (
    NoticeContext,
    contact_from_received,
    contact_with_acceptance,
)
from services.notification.domain.model import Notice
from tests.unit.notification.samples import (
    SENDER,
    SENT_AT,
    accepted,
    events_for_every_kind,
    only_notice,
    received,
)


def sample_notices(count: int) -> list[Notice]:
    contact = contact_with_acceptance(contact_from_received(received()), accepted())
    context = NoticeContext(tariff=load_tariff(), contact=contact)
    kinds = [only_notice(event, context) for event in events_for_every_kind().values()]
    both = [n.model_copy(update={"language": lang}) for n in kinds for lang in ("ja", "en")]
    return [
        n.model_copy(update={"notice_id": f"bench-{i}:{n.kind}"}) for i, n in enumerate(both * (count // len(both) + 1))
    ][:count]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=5000)
    args = parser.parse_args()
    started = time.perf_counter()
    renderer = Renderer()
    startup = time.perf_counter() - started
    notices = sample_notices(args.count)
    started, cpu_started = time.perf_counter(), time.process_time()
    messages = [renderer.render(n, sender=SENDER, message_id_domain="bench.example.jp", date=SENT_AT) for n in notices]
    rendered = time.perf_counter() - started
    size = sum(len(message_bytes(message)) for message in messages)
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    count = len(notices)
    print(f"renderer start-up: {startup * 1000:.0f} ms (every template loaded)")
    print(f"render to EmailMessage: {count} in {rendered:.2f} s: {count / rendered:,.0f} notices/s")
    print(f"render and serialise to bytes: {count} in {elapsed:.2f} s: {count / elapsed:,.0f} notices/s")
    print(f"  by CPU time (a busy machine slows the wall clock): {count / cpu:,.0f} notices/s per core")
    print(f"average message: {size / count / 1024:.1f} KiB")


if __name__ == "__main__":
    main()

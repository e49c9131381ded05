from datetime import UTC, datetime

import pytest

from contracts.reporting import CounterValue, FiguresSnapshot
from services.reporting.domain.exposition import escape_help, escape_label_value, render_prometheus

TAKEN_AT = datetime(2026, 3, 2, 0, 0, tzinfo=UTC)


def snapshot(*counters: CounterValue, lag: dict[str, int] | None = None, due: int = 0) -> FiguresSnapshot:
    return FiguresSnapshot(taken_at=TAKEN_AT, counters=counters, approvals_due_next_30_days=due, consumer_lag=lag or {})


def test_a_label_value_escapes_backslash_quote_and_newline() -> None:
    assert escape_label_value('C:\\dir "x"\nnext') == 'C:\\\\dir \\"x\\"\\nnext'


def test_help_text_escapes_backslash_and_newline_but_not_quotes() -> None:
    assert escape_help('a\\b "c"\nd') == 'a\\\\b "c"\\nd'


def test_a_snapshot_renders_grouped_metrics_with_help_type_and_sorted_labels() -> None:
    text = render_prometheus(
        snapshot(
            CounterValue(name="notices_sent_total", labels={"kind": "decided"}, value=3),
            CounterValue(name="notices_sent_total", labels={"kind": "accepted"}, value=5),
            lag={"intake.application-received.v1": 7},
            due=2,
        )
    )
    assert text == (
        "# HELP approvals_due_next_30_days Active approvals whose periodic report is due within 30 days or overdue.\n"
        "# TYPE approvals_due_next_30_days gauge\n"
        "approvals_due_next_30_days 2\n"
        "# HELP consumer_lag_records Records reporting has yet to consume, per topic.\n"
        "# TYPE consumer_lag_records gauge\n"
        'consumer_lag_records{topic="intake.application-received.v1"} 7\n'
        "# HELP notices_sent_total Notices handed to the mail server, by kind.\n"
        "# TYPE notices_sent_total counter\n"
        'notices_sent_total{kind="accepted"} 5\n'
        'notices_sent_total{kind="decided"} 3\n'
    )


def test_a_label_value_with_quotes_and_a_newline_stays_one_sample_line() -> None:
    counter = CounterValue(name="not_eligible_reasons_total", labels={"code": 'say "hi"\nbye\\'}, value=1)
    lines = render_prometheus(snapshot(counter)).splitlines()
    assert 'not_eligible_reasons_total{code="say \\"hi\\"\\nbye\\\\"} 1' in lines


def test_several_labels_are_written_in_name_order() -> None:
    counter = CounterValue(
        name="applications_received_total", labels={"procedure": "extension_of_stay", "day": "2026-03-02"}, value=4
    )
    assert 'applications_received_total{day="2026-03-02",procedure="extension_of_stay"} 4' in render_prometheus(
        snapshot(counter)
    )


def test_a_metric_outside_the_catalogue_is_rendered_untyped() -> None:
    text = render_prometheus(snapshot(CounterValue(name="something_new", value=1)))
    assert "# TYPE something_new untyped\nsomething_new 1\n" in text


@pytest.mark.parametrize(
    "counter",
    [
        CounterValue(name="bad-name", value=1),
        CounterValue(name="notices_sent_total", labels={"bad-label": "x"}, value=1),
        CounterValue(name="notices_sent_total", labels={"__reserved": "x"}, value=1),
    ],
)
def test_an_invalid_metric_or_label_name_fails_instead_of_rendering(counter: CounterValue) -> None:
    with pytest.raises(ValueError, match="invalid"):
        render_prometheus(snapshot(counter))


def test_the_exposition_ends_with_a_newline() -> None:
    assert render_prometheus(snapshot()).endswith("approvals_due_next_30_days 0\n")

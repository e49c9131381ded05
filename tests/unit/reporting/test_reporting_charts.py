"""The dashboard's charts: SVG drawn on the server, escaped, with gaps where nothing was sampled."""

import re

from services.reporting.adapters.charts import line_chart, nice_ceiling

HOURS = ["2026-01-05T10", "2026-01-05T11", "2026-01-05T12", "2026-01-05T13"]


def test_the_axis_tops_at_a_round_number() -> None:
    assert [nice_ceiling(v) for v in (0, 1, 3, 7, 11, 441)] == [1, 1, 5, 10, 20, 500]


def test_each_series_is_a_line_with_its_latest_value_in_the_legend() -> None:
    svg = line_chart("chart-x", "Things", HOURS, {"sent": [0, 2, 6, 5], "failed": [0, 0, 1, 0]})
    assert svg.startswith('<svg id="chart-x"')
    assert svg.endswith("</svg>")
    assert len(re.findall(r'<polyline [^>]*data-series="sent"', svg)) == 1
    assert ">sent 5</text>" in svg
    assert ">failed 0</text>" in svg
    assert ">10</text>" in svg, "the axis tops at 10 for a highest value of 6"


def test_an_hour_without_a_value_breaks_the_line() -> None:
    svg = line_chart("chart-x", "Lag", HOURS, {"notification": [3, None, 4, 6]})
    assert len(re.findall(r'data-series="notification"', svg)) == 2  # a lone point, then a line
    assert "<circle" in svg


def test_names_are_escaped() -> None:
    svg = line_chart("chart-x", "<b>", HOURS, {'x"><script>': [1, 2, 3, 4]})
    assert "<script>" not in svg
    assert "<b>" not in svg


def test_counts_per_hour_can_show_their_total_over_the_hours_in_the_legend() -> None:
    svg = line_chart("chart-x", "Things", HOURS, {"sent": [1, None, 4, 0]}, totals=True)
    assert ">sent 5</text>" in svg

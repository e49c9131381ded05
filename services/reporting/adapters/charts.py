"""Charts of the figures over time, drawn on the server as inline SVG.

No script library and nothing fetched from elsewhere: the page works on an isolated network,
and what the charts say can be tested without a browser. One chart is a set of lines over the
hours of the history; a missing value (an hour with no sample) breaks its line rather than
being drawn as zero.
"""

from collections.abc import Mapping, Sequence
from html import escape
from typing import Final

from services.reporting.domain.history import FiguresHistory

WIDTH, HEIGHT = 560, 200
LEFT, RIGHT, TOP, BOTTOM = 44, 12, 42, 24
COLOURS: Final = ("#1f5fa8", "#b3261e", "#2e7d32", "#8e24aa", "#ef6c00", "#00838f", "#5d4037")


def nice_ceiling(value: int) -> int:
    """The y axis's top: 1, 2 or 5 times a power of ten, at least `value` and at least 1."""
    step = 1
    while True:
        for factor in (1, 2, 5):
            if step * factor >= value:
                return step * factor
        step *= 10


def _points(values: Sequence[int | None], top: int) -> list[list[tuple[float, float]]]:
    span = max(len(values) - 1, 1)
    runs: list[list[tuple[float, float]]] = [[]]
    for i, value in enumerate(values):
        if value is None:
            runs.append([])
            continue
        x = LEFT + (WIDTH - LEFT - RIGHT) * i / span
        y = HEIGHT - BOTTOM - (HEIGHT - TOP - BOTTOM) * value / top
        runs[-1].append((x, y))
    return [run for run in runs if run]


def line_chart(
    chart_id: str,
    title: str,
    hours: Sequence[str],
    series: Mapping[str, Sequence[int | None]],
    *,
    totals: bool = False,
) -> str:
    """An SVG of each series over `hours` (`YYYY-MM-DDTHH`); the legend gives each series' latest
    value, or with `totals` its sum over the hours (counts per hour: the current hour has barely begun)."""
    top = nice_ceiling(max((v for values in series.values() for v in values if v is not None), default=0))
    parts = [
        f'<svg id="{escape(chart_id)}" class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>',
        f'<text x="{LEFT}" y="14" class="chart-title">{escape(title)}</text>',
    ]
    for fraction in (0, 0.5, 1):
        y = HEIGHT - BOTTOM - (HEIGHT - TOP - BOTTOM) * fraction
        parts.append(f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" class="grid"/>')
        parts.append(f'<text x="{LEFT - 6}" y="{y + 4:.1f}" class="axis" text-anchor="end">{top * fraction:g}</text>')
    span = max(len(hours) - 1, 1)
    for i, hour in enumerate(hours):
        if i % 6 == 0 or i == len(hours) - 1:
            x = LEFT + (WIDTH - LEFT - RIGHT) * i / span
            anchor = "end" if i == len(hours) - 1 else "middle"
            parts.append(
                f'<text x="{x:.1f}" y="{HEIGHT - 6}" class="axis" text-anchor="{anchor}">{escape(hour[-2:])}:00</text>'
            )
    if not series:
        parts.append(f'<text x="{WIDTH / 2}" y="{HEIGHT / 2}" class="empty" text-anchor="middle">nothing yet</text>')
    for n, (name, values) in enumerate(series.items()):
        colour = COLOURS[n % len(COLOURS)]
        for run in _points(values, top):
            coordinates = " ".join(f"{x:.1f},{y:.1f}" for x, y in run)
            parts.append(
                f'<polyline points="{coordinates}" fill="none" stroke="{colour}" stroke-width="2" '
                f'data-series="{escape(name)}"/>'
                if len(run) > 1
                else f'<circle cx="{run[0][0]:.1f}" cy="{run[0][1]:.1f}" r="2.5" fill="{colour}" '
                f'data-series="{escape(name)}"/>'
            )
        shown = (
            sum(v for v in values if v is not None)
            if totals
            else next((v for v in reversed(values) if v is not None), None)
        )
        label = f"{name} {shown if shown is not None else '–'}"
        slot = min(150, (WIDTH - LEFT - RIGHT) // len(series))
        x = WIDTH - RIGHT - slot * (len(series) - n)
        parts.append(f'<rect x="{x}" y="27" width="10" height="3" fill="{colour}"/>')
        parts.append(f'<text x="{x + 14}" y="32" class="legend">{escape(label)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def render_charts(history: FiguresHistory) -> str:
    """The dashboard's four charts over the history's hours (Japan time)."""
    hours = [row.hour for row in history.hours]
    services = sorted({service for row in history.hours for service in row.lag})
    sampled = [row.dead_letters is not None for row in history.hours]
    lag = {
        s: [row.lag.get(s, 0) if ok else None for row, ok in zip(history.hours, sampled, strict=True)] for s in services
    }
    return "".join(
        (
            line_chart(
                "chart-applications",
                "Applications per hour (JST; legend: 24 h totals)",
                hours,
                {"received": [r.received for r in history.hours], "decided": [r.decided for r in history.hours]},
                totals=True,
            ),
            line_chart(
                "chart-notices",
                "Notices per hour (legend: 24 h totals)",
                hours,
                {"sent": [r.notices_sent for r in history.hours], "failed": [r.notices_failed for r in history.hours]},
                totals=True,
            ),
            line_chart("chart-lag", "Consumer lag per service (highest in the hour)", hours, lag),
            line_chart(
                "chart-dead-letters",
                "Dead letters per hour (legend: 24 h total)",
                hours,
                {"dead letters": [r.dead_letters for r in history.hours]},
                totals=True,
            ),
        )
    )

"""The compose profile `monitoring`: Prometheus's configuration and alert rules, checked and unit-tested
by promtool, and the Grafana dashboard, whose queries may name only the metrics the services agree to
export (a renamed metric would leave a tile or an alert silently empty)."""

import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

REPO = Path(__file__).resolve().parents[3]
MONITORING = REPO / "deploy" / "monitoring"
PROMETHEUS = MONITORING / "prometheus"
GRAFANA = MONITORING / "grafana"
CONFIG = PROMETHEUS / "prometheus.yml"
RULES = sorted((PROMETHEUS / "rules").glob("*.yml"))
RULE_TESTS = sorted((PROMETHEUS / "tests").glob("*.yml"))
DASHBOARDS = sorted((GRAFANA / "dashboards").glob("*.json"))
APP_SERVICES = ("intake", "eligibility", "notification", "reporting")

# The agreed metric names (issue 13); docs/operations.md lists what each means.
AGREED = frozenset(
    {
        "delivery_records_handled_total",
        "delivery_records_dead_lettered_total",
        "delivery_records_parked_total",
        "delivery_records_released_total",
        "delivery_transient_failures_total",
        "delivery_paused",
        "delivery_parked_records",
        "delivery_records_consumed_total",
        "delivery_batch_duration_seconds",
        "delivery_consumer_lag",
        "service_ready",
        "outbox_pending_events",
        "outbox_oldest_pending_age_seconds",
        "notification_notices_total",
        "http_requests_total",
        "http_request_duration_seconds",
    }
)
HISTOGRAMS = ("delivery_batch_duration_seconds", "http_request_duration_seconds")
ALLOWED = AGREED | {f"{h}_{part}" for h in HISTOGRAMS for part in ("bucket", "sum", "count")}
PROMETHEUS_OWN = frozenset({"up"})  # written by Prometheus itself for every scrape target

_STRING = re.compile(r'"(?:[^"\\]|\\.)*"' + r"|'(?:[^'\\]|\\.)*'")
_MATCHERS = re.compile(r"\{[^}]*\}")
_RANGES = re.compile(r"\[[^\]]*\]")
_LABEL_LISTS = re.compile(r"\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)")
_IDENTIFIER = re.compile(r"(?<![\w:.$])[A-Za-z_:][\w:]*+(?!\s*\()")  # possessive: no backing off a function
_KEYWORDS = frozenset({"and", "or", "unless", "bool", "offset", "by", "without", "on", "ignoring", "inf", "nan"})


def metric_names(expr: str) -> set[str]:
    """The metric names a PromQL expression reads: identifiers that are not functions, keywords or labels."""
    bare = _LABEL_LISTS.sub(" ", _RANGES.sub(" ", _MATCHERS.sub(" ", _STRING.sub(" ", expr))))
    return {name for name in _IDENTIFIER.findall(bare) if name.lower() not in _KEYWORDS}


def promtool(*args: str) -> subprocess.CompletedProcess[str]:
    state = Path(os.environ.get("STATE_DIR", REPO / ".state"))
    candidates = [os.environ.get("PROMTOOL"), str(state / "bin" / "promtool"), shutil.which("promtool")]
    found = next((c for c in candidates if c and Path(c).is_file() and os.access(c, os.X_OK)), None)
    if found is None:
        pytest.fail(
            f"promtool not found (looked at $PROMTOOL, {state / 'bin' / 'promtool'} and PATH): run "
            "deploy/install.sh, which takes it out of Debian's prometheus package, or set PROMTOOL"
        )
    return subprocess.run([found, *args], capture_output=True, text=True, timeout=120, cwd=PROMETHEUS)


def alert_rules() -> list[dict[str, Any]]:
    rules: list[dict[str, Any]] = []
    for path in RULES:
        for group in yaml.safe_load(path.read_text())["groups"]:
            rules.extend(rule for rule in group["rules"] if "alert" in rule)
    return rules


def dashboard_queries(dashboard: dict[str, Any]) -> list[tuple[str, str]]:
    """(panel title, PromQL) for every target of every panel, rows' nested panels included."""
    queries: list[tuple[str, str]] = []
    for panel in dashboard["panels"]:
        for inner in [panel, *panel.get("panels", [])]:
            queries.extend((inner["title"], t["expr"]) for t in inner.get("targets", []))
    return queries


def test_metric_names_reads_the_metrics_out_of_promql() -> None:
    expr = (
        'histogram_quantile(0.95, sum by (le, group) (rate(http_request_duration_seconds_bucket{route="/v1"}'
        "[$__rate_interval]))) > 0.5 and on (group) delivery_paused offset 10m unless max without (x) (up)"
    )
    assert metric_names(expr) == {"http_request_duration_seconds_bucket", "delivery_paused", "up"}
    assert metric_names("sum(rate(delivery_records_consumed_totl[5m]))") == {"delivery_records_consumed_totl"}


def test_promtool_accepts_the_configuration_and_finds_its_rule_files() -> None:
    result = promtool("check", "config", str(CONFIG))
    assert result.returncode == 0, result.stdout + result.stderr
    assert RULES, "no alert rule files under deploy/monitoring/prometheus/rules"
    assert f"{len(RULES)} rule files found" in result.stdout, result.stdout


def test_promtool_accepts_the_alert_rules() -> None:
    result = promtool("check", "rules", *map(str, RULES))
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_alert_rules_pass_their_unit_tests() -> None:
    assert RULE_TESTS, "no promtool rule tests under deploy/monitoring/prometheus/tests"
    result = promtool("test", "rules", *map(str, RULE_TESTS))
    assert result.returncode == 0, result.stdout + result.stderr


def test_there_is_an_alert_for_lag_dead_letters_readiness_and_outbox_age() -> None:
    rules = {rule["alert"]: rule for rule in alert_rules()}
    assert {"ConsumerLagGrowing", "DeadLettersAppearing", "ServiceNotReady", "OutboxEventsAging"} <= set(rules)
    operations = (REPO / "docs" / "operations.md").read_text()
    anchors = {
        re.sub(r"[^\w-]", "", h.strip().lower().replace(" ", "-")) for h in re.findall(r"^#+ (.+)$", operations, re.M)
    }
    for name, rule in rules.items():
        assert rule["labels"]["severity"] in {"page", "ticket"}, name
        assert rule["annotations"]["summary"], name
        page, _, anchor = rule["annotations"]["runbook"].partition("#")
        assert page == "docs/operations.md", name
        assert anchor in anchors, f"{name}: no heading for #{anchor} in docs/operations.md"


def test_the_alert_rules_name_only_agreed_metrics() -> None:
    for rule in alert_rules():
        unknown = metric_names(rule["expr"]) - ALLOWED - PROMETHEUS_OWN
        assert not unknown, f"{rule['alert']} reads {sorted(unknown)}, not among the agreed metrics"


def test_prometheus_scrapes_the_four_services_on_their_metrics_route() -> None:
    config = yaml.safe_load(CONFIG.read_text())
    [job] = [job for job in config["scrape_configs"] if job["job_name"] == "residence"]
    assert job.get("metrics_path", "/metrics") == "/metrics"
    scraped = {static["labels"]["service"]: target for static in job["static_configs"] for target in static["targets"]}
    assert scraped == {name: f"{name}:8080" for name in APP_SERVICES}


def test_grafana_is_provisioned_with_the_prometheus_datasource_and_the_dashboards_folder() -> None:
    [datasource] = yaml.safe_load((GRAFANA / "provisioning" / "datasources" / "prometheus.yml").read_text())[
        "datasources"
    ]
    assert (datasource["type"], datasource["uid"], datasource["url"]) == (
        "prometheus",
        "prometheus",
        "http://prometheus:9090",
    )
    [provider] = yaml.safe_load((GRAFANA / "provisioning" / "dashboards" / "residence.yml").read_text())["providers"]
    assert provider["type"] == "file"
    assert provider["options"]["path"] == "/etc/grafana/dashboards"
    assert DASHBOARDS, "no dashboard JSON under deploy/monitoring/grafana/dashboards"


def test_the_dashboards_query_only_agreed_metrics_from_the_provisioned_datasource() -> None:
    assert DASHBOARDS
    for path in DASHBOARDS:
        dashboard = json.loads(path.read_text())
        queries = dashboard_queries(dashboard)
        assert queries, path.name
        for title, expr in queries:
            names = metric_names(expr)
            assert names, f"{path.name}, {title}: no metric in {expr!r}"
            unknown = names - ALLOWED - PROMETHEUS_OWN
            assert not unknown, f"{path.name}, {title}: {sorted(unknown)} not among the agreed metrics"
        for panel in dashboard["panels"]:
            for target in panel.get("targets", []):
                assert target["datasource"]["uid"] == "prometheus", f"{path.name}, {panel['title']}"


def test_the_dashboards_queries_are_valid_promql(tmp_path: Path) -> None:
    # promtool parses every expression of a rule file: the queries go in as recording rules, with
    # Grafana's interval macros replaced by a duration as Grafana does before it sends them.
    exprs = [expr for path in DASHBOARDS for _, expr in dashboard_queries(json.loads(path.read_text()))]
    rules = [
        {"record": f"dashboard:query_{i}", "expr": re.sub(r"\$__(rate_interval|interval|range)", "5m", expr)}
        for i, expr in enumerate(exprs)
    ]
    path = tmp_path / "dashboard-queries.yml"
    path.write_text(yaml.safe_dump({"groups": [{"name": "dashboard", "rules": rules}]}))
    result = promtool("check", "rules", str(path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"SUCCESS: {len(rules)} rules found" in result.stdout, result.stdout


def test_the_dashboard_shows_throughput_lag_dead_letters_latency_and_notices() -> None:
    dashboard = json.loads((GRAFANA / "dashboards" / "residence.json").read_text())
    read = set().union(*(metric_names(expr) for _, expr in dashboard_queries(dashboard)))
    for needed in (
        "delivery_records_consumed_total",  # throughput
        "delivery_consumer_lag",
        "delivery_records_dead_lettered_total",
        "delivery_batch_duration_seconds_bucket",  # latency
        "http_request_duration_seconds_bucket",
        "notification_notices_total",
        "service_ready",
        "outbox_oldest_pending_age_seconds",
    ):
        assert needed in read, needed
    assert dashboard["uid"] == "residence"

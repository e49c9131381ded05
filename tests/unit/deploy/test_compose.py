"""docker-compose.yml, checked by compose-go (the parser Docker Compose uses) since no engine runs here."""

import json
import os
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

REPO = Path(__file__).resolve().parents[3]
CHECKER_SOURCE = REPO / "deploy" / "composecheck"
CHECKER = Path(os.environ.get("STATE_DIR", REPO / ".state")) / "bin" / "composecheck"
APP_SERVICES = ("intake", "eligibility", "notification", "reporting")
REQUIRED = {"JWT_PUBLIC_KEY": "-----BEGIN PUBLIC KEY-----", "MAIL_FROM": "noreply@example.jp"}
MONITORING = REPO / "deploy" / "monitoring"


def load(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    if not CHECKER.exists() or CHECKER.stat().st_mtime < (CHECKER_SOURCE / "main.go").stat().st_mtime:
        CHECKER.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run(["go", "build", "-o", str(CHECKER), "."], cwd=CHECKER_SOURCE, check=True, timeout=600)
    clean = {k: v for k, v in os.environ.items() if k not in REQUIRED and k != "COMPOSE_PROFILES"}
    return subprocess.run(
        [str(CHECKER), str(REPO / "docker-compose.yml")],
        capture_output=True,
        text=True,
        env={**clean, **env},
        timeout=60,
    )


@pytest.fixture(scope="module")
def project() -> dict[str, Any]:
    result = load(REQUIRED)
    assert result.returncode == 0, result.stderr
    loaded: dict[str, Any] = json.loads(result.stdout)
    return loaded


@pytest.fixture(scope="module")
def monitored() -> dict[str, Any]:
    result = load({**REQUIRED, "COMPOSE_PROFILES": "monitoring"})
    assert result.returncode == 0, result.stderr
    loaded: dict[str, Any] = json.loads(result.stdout)
    return loaded


def test_the_compose_file_is_valid_for_compose(project: dict[str, Any]) -> None:
    assert set(project["services"]) == {"kafka", "mongo", "mailpit", "topics", "acls", *APP_SERVICES}


def test_servers_use_the_official_images_in_the_intended_modes(project: dict[str, Any]) -> None:
    services = project["services"]
    assert services["kafka"]["image"].startswith("apache/kafka:4.")
    assert services["kafka"]["environment"]["KAFKA_PROCESS_ROLES"] == "broker,controller"
    assert services["mongo"]["image"] == "mongo:8"
    assert "--replSet" in services["mongo"]["command"]
    assert services["mailpit"]["image"].startswith("axllent/mailpit")


def test_every_service_has_a_healthcheck_and_waits_for_healthy_dependencies(project: dict[str, Any]) -> None:
    services = project["services"]
    for name in ("kafka", "mongo", "mailpit", *APP_SERVICES):
        assert services[name].get("healthcheck", {}).get("test"), name
    for name in APP_SERVICES:
        depends = services[name]["depends_on"]
        assert depends["kafka"]["condition"] == "service_healthy", name
        assert depends["mongo"]["condition"] == "service_healthy", name
        assert depends["topics"]["condition"] == "service_completed_successfully", name
    assert services["notification"]["depends_on"]["mailpit"]["condition"] == "service_healthy"


def test_topics_are_provisioned_from_the_catalogue_before_any_service_starts(project: dict[str, Any]) -> None:
    topics = project["services"]["topics"]
    assert topics["command"] == ["python", "-m", "chassis.provision"]
    assert topics["depends_on"]["kafka"]["condition"] == "service_healthy"
    assert (
        topics["environment"]["KAFKA_BOOTSTRAP_SERVERS"]
        == project["services"]["intake"]["environment"]["KAFKA_BOOTSTRAP_SERVERS"]
    )


@pytest.mark.parametrize("missing", sorted(REQUIRED))
def test_a_missing_required_variable_stops_compose_with_its_name(missing: str) -> None:
    result = load({k: v for k, v in REQUIRED.items() if k != missing})
    assert result.returncode != 0
    assert f"required variable {missing} is missing a value" in result.stderr


def test_every_service_is_built_from_the_one_dockerfile_with_its_name(project: dict[str, Any]) -> None:
    dockerfile = (REPO / "Dockerfile").read_text()
    assert "ARG SERVICE" in dockerfile
    for name in APP_SERVICES:
        build = project["services"][name]["build"]
        assert Path(build["dockerfile"]).name == "Dockerfile", name
        assert Path(build["context"]) == REPO, name
        assert build["args"] == {"SERVICE": name}, name
    assert not list((REPO / "services").glob("*/Dockerfile")), "one Dockerfile for all four services"


def test_the_monitoring_profile_adds_prometheus_and_grafana_only_when_asked_for(
    project: dict[str, Any], monitored: dict[str, Any]
) -> None:
    assert set(monitored["services"]) == set(project["services"]) | {"prometheus", "grafana"}
    for name in ("prometheus", "grafana"):
        assert monitored["services"][name]["profiles"] == ["monitoring"], name
        assert monitored["services"][name]["healthcheck"]["test"], name
    assert monitored["services"]["grafana"]["depends_on"]["prometheus"]["condition"] == "service_healthy"


def mounts(service: dict[str, Any]) -> dict[str, tuple[Path, bool]]:
    return {
        v["target"]: (Path(v["source"]), v.get("read_only", False)) for v in service["volumes"] if v["type"] == "bind"
    }


def test_prometheus_and_grafana_read_the_committed_monitoring_files(monitored: dict[str, Any]) -> None:
    assert mounts(monitored["services"]["prometheus"]) == {"/etc/prometheus": (MONITORING / "prometheus", True)}
    assert "--config.file=/etc/prometheus/prometheus.yml" in monitored["services"]["prometheus"]["command"]
    provider = yaml.safe_load((MONITORING / "grafana" / "provisioning" / "dashboards" / "residence.yml").read_text())
    assert mounts(monitored["services"]["grafana"]) == {
        "/etc/grafana/provisioning": (MONITORING / "grafana" / "provisioning", True),
        provider["providers"][0]["options"]["path"]: (MONITORING / "grafana" / "dashboards", True),
    }


def test_prometheus_scrapes_each_service_at_its_compose_name_and_http_port(monitored: dict[str, Any]) -> None:
    config = yaml.safe_load((MONITORING / "prometheus" / "prometheus.yml").read_text())
    targets = [t for job in config["scrape_configs"] for static in job["static_configs"] for t in static["targets"]]
    assert sorted(t.split(":")[0] for t in targets) == sorted(APP_SERVICES)
    for target in targets:
        host, port = target.split(":")
        assert monitored["services"][host]["environment"]["HTTP_PORT"] == port, target


def secret_files(project: dict[str, Any]) -> dict[str, Path]:
    return {name: Path(secret["file"]) for name, secret in project["secrets"].items()}


def mounted_secrets(service: dict[str, Any]) -> set[str]:
    return {secret["source"] for secret in service.get("secrets", [])}


def test_secrets_are_files_made_by_the_secrets_maker_and_no_password_is_in_an_environment(
    project: dict[str, Any],
) -> None:
    files = secret_files(project)
    assert files, "compose secrets"
    assert {path.parent for path in files.values()} == {REPO / ".secrets", REPO / ".secrets" / "kafka"}
    for name, service in project["services"].items():
        for variable, value in service.get("environment", {}).items():
            a_path = variable.endswith("_FILE") or str(value).startswith("/run/secrets/")
            if any(word in variable for word in ("PASSWORD", "SECRET", "KEY")) and not a_path:
                assert variable == "JWT_PUBLIC_KEY", f"{name}: {variable} is given directly, not from a file"
            if a_path:
                assert value.startswith("/run/secrets/"), f"{name}: {variable}"
                assert value.removeprefix("/run/secrets/") in mounted_secrets(service), f"{name}: {variable}"


def test_the_database_enforces_access_control_with_a_user_per_service(project: dict[str, Any]) -> None:
    mongo = project["services"]["mongo"]
    command = [*mongo["entrypoint"], *mongo["command"]]
    assert "--keyFile" in command  # a replica set with access control
    assert mongo["environment"]["MONGO_INITDB_ROOT_PASSWORD_FILE"] == "/run/secrets/mongo_root_password"
    assert mongo["environment"]["MONGO_INITDB_ROOT_USERNAME"]
    assert mounts(mongo)["/docker-entrypoint-initdb.d/init-users.js"] == (REPO / "deploy/mongo/init-users.js", True)
    assert {f"mongo_{name}_password" for name in APP_SERVICES} <= mounted_secrets(mongo)
    script = (REPO / "deploy" / "mongo" / "init-users.js").read_text()
    assert re.search(r"roles: \[\{ role: \"readWrite\", db: service \}\]", script)
    listed = re.search(r"const services = \[(.*?)\];", script)
    assert listed is not None
    assert sorted(re.findall(r'"(\w+)"', listed[1])) == sorted(APP_SERVICES)
    for name in APP_SERVICES:
        service = project["services"][name]
        environment = service["environment"]
        assert environment["MONGODB_USERNAME"] == name
        assert environment["MONGODB_PASSWORD_FILE"] == f"/run/secrets/mongo_{name}_password"
        assert "authSource=admin" in environment["MONGODB_URI"]
        assert "@" not in environment["MONGODB_URI"], "no credentials in the URI"
        mongo_secrets = {s for s in mounted_secrets(service) if s.startswith("mongo_")}
        assert mongo_secrets == {f"mongo_{name}_password"}, f"{name} holds only its own database password"


def test_notices_go_to_the_mail_relay_over_verified_starttls_with_a_login(project: dict[str, Any]) -> None:
    notification = project["services"]["notification"]["environment"]
    assert notification["SMTP_HOST"] == "mailpit"
    assert notification["SMTP_STARTTLS"] == "true"
    assert notification["SMTP_CA_FILE"] == "/run/secrets/smtp_ca"
    assert notification["SMTP_USERNAME"] == "notification"
    assert notification["SMTP_PASSWORD_FILE"] == "/run/secrets/smtp_password"
    mailpit = project["services"]["mailpit"]
    assert mailpit["environment"]["MP_SMTP_REQUIRE_STARTTLS"] == "true"
    assert mailpit["environment"]["MP_SMTP_TLS_CERT"] == "/run/secrets/smtp_cert"
    assert mailpit["environment"]["MP_SMTP_TLS_KEY"] == "/run/secrets/smtp_key"
    assert mailpit["environment"]["MP_SMTP_AUTH_FILE"] == "/run/secrets/smtp_auth"
    assert {"smtp_cert", "smtp_key", "smtp_auth"} == mounted_secrets(mailpit)
    files = secret_files(project)
    made = {"smtp_ca": "smtp-ca.pem", "smtp_cert": "smtp-cert.pem", "smtp_key": "smtp-key.pem"}
    for secret, file in made.items():
        assert files[secret].name == file


def test_kafka_is_secured_and_every_service_is_its_own_principal_with_secrets_from_files(
    project: dict[str, Any],
) -> None:
    services = project["services"]
    kafka = services["kafka"]
    assert kafka["command"] == ["/bin/bash", "/opt/residence/compose-kafka.sh"]  # TLS, SCRAM and the authorizer
    # The script writes the broker's security with the local broker's own function (deploy/kafka/broker-security.sh).
    mounted = {volume["target"]: volume.get("source", "") for volume in kafka["volumes"]}
    assert mounted["/opt/residence/broker-security.sh"].endswith("deploy/kafka/broker-security.sh")
    assert not any("PLAINTEXT" in str(value) for value in kafka["environment"].values())
    assert {"kafka_ca", "kafka_broker_pem", "kafka_password_admin"} <= {s["source"] for s in kafka["secrets"]}
    for name in APP_SERVICES:
        env = services[name]["environment"]
        assert env["KAFKA_SECURITY_PROTOCOL"] == "SASL_SSL", name
        assert env["KAFKA_SASL_USERNAME"] == name
        assert env["KAFKA_SASL_PASSWORD_FILE"] == f"/run/secrets/kafka_password_{name}"
        assert {"kafka_ca", f"kafka_password_{name}"} <= mounted_secrets(services[name])
        assert not any("password" in key.lower() and not key.endswith("_FILE") for key in env), name
        assert services[name]["depends_on"]["acls"]["condition"] == "service_completed_successfully"
    acls = services["acls"]
    assert acls["command"] == ["python", "-m", "ops.acls", "apply"]
    assert acls["environment"]["KAFKA_SASL_USERNAME"] == "admin"

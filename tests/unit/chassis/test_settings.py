"""Settings every service reads: the broker list as Kafka clients take it."""

from pathlib import Path

import pytest
import structlog
from structlog.testing import capture_logs

from chassis import mongo
from chassis.settings import ServiceSettings


def test_several_bootstrap_servers_are_a_list_for_the_broker_not_one_host_named_with_commas() -> None:
    settings = ServiceSettings(
        kafka_bootstrap_servers="127.0.0.1:29092, 127.0.0.1:29192,127.0.0.1:29292", mongodb_uri="mongodb://x"
    )
    assert settings.bootstrap_servers == ["127.0.0.1:29092", "127.0.0.1:29192", "127.0.0.1:29292"]


SECRET = "s3cr3t-Passw0rd"


@pytest.fixture
def required(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("KAFKA_BOOTSTRAP_SERVERS", "MONGODB_URI", "MONGODB_USERNAME", "MONGODB_PASSWORD"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(f"{name}_FILE", raising=False)
    monkeypatch.setenv("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092")


def secret_file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "secret"
    path.write_text(text)
    return path


def test_a_value_is_read_from_the_file_its_FILE_variable_names_without_the_final_newline(
    required: None, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("MONGODB_URI", "mongodb://mongo:27017/?authSource=admin")
    monkeypatch.setenv("MONGODB_USERNAME", "intake")
    monkeypatch.setenv("MONGODB_PASSWORD_FILE", str(secret_file(tmp_path, SECRET + "\n")))
    settings = ServiceSettings()  # type: ignore[call-arg]  # read from the environment
    assert settings.mongodb_password is not None
    assert settings.mongodb_password.get_secret_value() == SECRET


def test_the_whole_uri_may_come_from_a_file(required: None, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    uri = f"mongodb://intake:{SECRET}@mongo:27017/?authSource=admin"
    monkeypatch.setenv("MONGODB_URI_FILE", str(secret_file(tmp_path, uri)))
    assert ServiceSettings().mongodb_uri.get_secret_value() == uri  # type: ignore[call-arg]


def test_a_value_given_both_directly_and_by_file_stops_the_service_naming_both(
    required: None, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("MONGODB_URI", "mongodb://mongo:27017")
    monkeypatch.setenv("MONGODB_URI_FILE", str(secret_file(tmp_path, "mongodb://other:27017")))
    with pytest.raises(ValueError, match="MONGODB_URI and MONGODB_URI_FILE are both set"):
        ServiceSettings()  # type: ignore[call-arg]


def test_a_missing_secret_file_stops_the_service_naming_the_variable(
    required: None, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("MONGODB_URI", "mongodb://mongo:27017")
    monkeypatch.setenv("MONGODB_PASSWORD_FILE", str(tmp_path / "absent"))
    with pytest.raises(ValueError, match="MONGODB_PASSWORD_FILE"):
        ServiceSettings()  # type: ignore[call-arg]


def test_no_secret_shows_in_the_settings_repr_dump_or_a_log_line(
    required: None, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("MONGODB_URI_FILE", str(secret_file(tmp_path, f"mongodb://intake:{SECRET}@mongo:27017/")))
    monkeypatch.setenv("MONGODB_PASSWORD", SECRET)
    settings = ServiceSettings()  # type: ignore[call-arg]
    with capture_logs() as logs:
        structlog.get_logger().info("settings", settings=settings, dumped=settings.model_dump())
    shown = [repr(settings), str(settings), settings.model_dump_json(), repr(logs)]
    assert not [text for text in shown if SECRET in text]


def test_connecting_passes_the_database_user_and_password_to_the_client() -> None:
    client = mongo.connect("mongodb://127.0.0.1:1/?authSource=admin", username="intake", password=SECRET)
    options = client.options.pool_options._credentials
    assert options is not None
    assert (options.username, options.password, options.source) == ("intake", SECRET, "admin")

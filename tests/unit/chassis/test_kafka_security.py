"""Every Kafka client's security from one place: nothing for PLAINTEXT, TLS and SCRAM otherwise."""

import ssl
from pathlib import Path

import pytest
import trustme
from faststream.security import SASLScram512

from chassis.kafka_security import broker_security, client_options
from chassis.settings import ServiceSettings


def test_plaintext_adds_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KAFKA_SECURITY_PROTOCOL", raising=False)
    assert client_options() == {}
    assert broker_security({}) is None


def test_sasl_ssl_reads_the_password_from_its_file_and_verifies_the_broker(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "intake.password").write_text("s3cret\n")
    trustme.CA().cert_pem.write_to_path(str(tmp_path / "ca.pem"))
    monkeypatch.delenv("KAFKA_SASL_PASSWORD", raising=False)
    monkeypatch.setenv("KAFKA_SASL_PASSWORD_FILE", str(tmp_path / "intake.password"))
    settings = ServiceSettings(
        kafka_bootstrap_servers="127.0.0.1:9",
        mongodb_uri="mongodb://127.0.0.1:9",
        kafka_security_protocol="SASL_SSL",
        kafka_sasl_username="intake",
        kafka_ssl_cafile=tmp_path / "ca.pem",
    )
    options = client_options(settings)
    assert {k: options[k] for k in ("security_protocol", "sasl_mechanism", "sasl_plain_username")} == {
        "security_protocol": "SASL_SSL",
        "sasl_mechanism": "SCRAM-SHA-512",
        "sasl_plain_username": "intake",
    }
    assert options["sasl_plain_password"] == "s3cret"
    context: ssl.SSLContext = options["ssl_context"]
    assert context.verify_mode == ssl.CERT_REQUIRED
    assert context.check_hostname
    security = broker_security(options)
    assert isinstance(security, SASLScram512)
    assert (security.username, security.password, security.use_ssl) == ("intake", "s3cret", True)


def test_sasl_ssl_without_a_principal_stops_at_start_up(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KAFKA_SECURITY_PROTOCOL", "SASL_SSL")
    monkeypatch.delenv("KAFKA_SASL_USERNAME", raising=False)
    with pytest.raises(ValueError, match="KAFKA_SASL_USERNAME"):
        client_options()

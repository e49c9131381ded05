"""Development and compose secrets (deploy/make_secrets.py): made once, never shown, readable only as they must be."""

import ssl
import stat
from pathlib import Path

import pytest
from cryptography import x509

from deploy import make_secrets as secrets

SERVICES = ("intake", "eligibility", "notification", "reporting")


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_every_secret_is_made_once_in_a_folder_only_its_owner_may_enter(tmp_path: Path) -> None:
    folder = tmp_path / "secrets"
    made = secrets.make(folder)
    expected = {"jwt-secret", "mongo-root-password", "mongo-keyfile", "smtp-password", "smtp-auth"}
    expected |= {f"mongo-{service}-password" for service in SERVICES}
    expected |= {"smtp-ca.pem", "smtp-cert.pem", "smtp-key.pem"}
    assert {path.name for path in made} == expected
    assert mode(folder) == 0o700
    assert {mode(path) for path in made} == {0o600}
    before = {path.name: path.read_bytes() for path in made}
    assert secrets.make(folder) == []  # nothing is replaced: services and servers keep what they were given
    assert {path.name: path.read_bytes() for path in folder.iterdir()} == before


def test_for_containers_the_files_are_readable_by_the_containers_users_inside_the_closed_folder(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "secrets"
    made = secrets.make(folder, for_containers=True)
    assert mode(folder) == 0o700
    assert {mode(path) for path in made} == {0o644}


def test_passwords_differ_and_the_relay_login_holds_the_notification_password(tmp_path: Path) -> None:
    secrets.make(tmp_path)
    passwords = [(tmp_path / f"mongo-{service}-password").read_text().strip() for service in SERVICES]
    assert len(set(passwords)) == len(SERVICES)
    assert all(len(password) >= 32 for password in passwords)
    smtp = (tmp_path / "smtp-password").read_text().strip()
    assert (tmp_path / "smtp-auth").read_text().strip() == f"notification:{smtp}"
    keyfile = (tmp_path / "mongo-keyfile").read_text().strip()
    assert 6 <= len(keyfile) <= 1024  # mongod's limits for a key file


@pytest.mark.parametrize("host", ["mailpit", "localhost"])
def test_the_mail_certificate_names_the_relay_and_is_signed_by_the_ca(tmp_path: Path, host: str) -> None:
    secrets.make(tmp_path)
    certificate = x509.load_pem_x509_certificate((tmp_path / "smtp-cert.pem").read_bytes())
    names = certificate.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert host in names.get_values_for_type(x509.DNSName)
    context = ssl.create_default_context(cafile=str(tmp_path / "smtp-ca.pem"))
    context.load_cert_chain(tmp_path / "smtp-cert.pem", tmp_path / "smtp-key.pem")  # the key matches
    ca = x509.load_pem_x509_certificate((tmp_path / "smtp-ca.pem").read_bytes())
    certificate.verify_directly_issued_by(ca)


def test_a_secret_already_there_is_kept_but_closed_to_others(tmp_path: Path) -> None:
    old = tmp_path / "jwt-secret"
    old.write_text("made-by-an-older-script\n")
    old.chmod(0o644)
    secrets.make(tmp_path)
    assert old.read_text() == "made-by-an-older-script\n"
    assert mode(old) == 0o600

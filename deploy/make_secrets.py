"""Secrets for development and for compose, made once under a folder: `python -m deploy.make_secrets DIR`.

Each is a file, read by whoever needs it through a `<NAME>_FILE` variable (or a
compose secret): never on a command line, never in a log. Files that already exist
are kept, so services and servers go on with what they were given.

- jwt-secret: intake's HS256 secret for development tokens (JWT_SECRET_FILE).
- mongo-root-password, mongo-<service>-password: the database's administrator and
  one user per service (deploy/mongo/init-users.js); mongo-keyfile: how the replica
  set's members (one, here) prove themselves to each other once access control is on.
- smtp-password: notification's login at the mail relay (SMTP_PASSWORD_FILE);
  smtp-auth: the same login as the relay reads it (`notification:<password>`).
- smtp-ca.pem, smtp-cert.pem, smtp-key.pem: a private CA and the relay's certificate
  (for `mailpit`, `localhost` and 127.0.0.1); notification trusts the CA (SMTP_CA_FILE).

The folder is 0700. Files are 0600, or 0644 with --for-containers: compose hands a
file secret to a container as a bind mount with the host file's owner and mode, and
the services run as `nobody`; the closed folder still keeps other host users out.
"""

from __future__ import annotations

import argparse
import base64
import datetime
import ipaddress
import os
import secrets
import subprocess
from collections.abc import Callable
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

SERVICES = ("intake", "eligibility", "notification", "reporting")
MAIL_HOSTS = ("mailpit", "localhost")
MAIL_ADDRESSES = ("127.0.0.1",)
CERTIFICATE_DAYS = 825


def password() -> str:
    return secrets.token_urlsafe(32)


def make(folder: Path, for_containers: bool = False) -> list[Path]:
    """Makes every missing secret under `folder`; returns the files made."""
    folder.mkdir(parents=True, exist_ok=True)
    folder.chmod(0o700)
    file_mode = 0o644 if for_containers else 0o600
    made: list[Path] = []

    def keep(name: str, text: Callable[[], str]) -> None:
        path = folder / name
        if path.exists():
            path.chmod(file_mode)  # one made by hand, or by an older version, is closed too
            return
        # Created with its final mode: the secret is never readable by others, not even for a moment.
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as file:
            file.write(text())
        path.chmod(file_mode)
        made.append(path)

    keep("jwt-secret", lambda: base64.b64encode(secrets.token_bytes(32)).decode() + "\n")
    keep("mongo-root-password", lambda: password() + "\n")
    keep("mongo-keyfile", lambda: base64.b64encode(secrets.token_bytes(756)).decode() + "\n")
    for service in SERVICES:
        keep(f"mongo-{service}-password", lambda: password() + "\n")
    keep("smtp-password", lambda: password() + "\n")
    smtp = (folder / "smtp-password").read_text(encoding="utf-8").strip()
    keep("smtp-auth", lambda: f"notification:{smtp}\n")
    if not all((folder / name).exists() for name in ("smtp-ca.pem", "smtp-cert.pem", "smtp-key.pem")):
        ca, certificate, key = mail_certificate()
        for name in ("smtp-ca.pem", "smtp-cert.pem", "smtp-key.pem"):
            (folder / name).unlink(missing_ok=True)  # the three go together
        keep("smtp-ca.pem", lambda: ca)
        keep("smtp-cert.pem", lambda: certificate)
        keep("smtp-key.pem", lambda: key)
    return made


def mail_certificate() -> tuple[str, str, str]:
    """A private CA and the mail relay's certificate and key, as PEM: (ca, certificate, key)."""
    now = datetime.datetime.now(datetime.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "residence-online development CA")])
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=CERTIFICATE_DAYS))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    names: list[x509.GeneralName] = [x509.DNSName(host) for host in MAIL_HOSTS]
    names += [x509.IPAddress(ipaddress.ip_address(address)) for address in MAIL_ADDRESSES]
    leaf = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, MAIL_HOSTS[0])]))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=CERTIFICATE_DAYS))
        .add_extension(x509.SubjectAlternativeName(names), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    pem = serialization.Encoding.PEM
    key_pem = key.private_bytes(pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    return ca.public_bytes(pem).decode(), leaf.public_bytes(pem).decode(), key_pem.decode()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--for-containers", action="store_true", help="files 0644 (in a 0700 folder) for compose")
    args = parser.parse_args()
    for path in make(args.folder, args.for_containers):
        print(f"made {path}")  # the name only, never the content
    if args.for_containers:
        # The broker's CA, certificate and SCRAM passwords are made by the script the local broker uses too.
        script = Path(__file__).parent / "kafka" / "compose-secrets.sh"
        kafka = args.folder / "kafka"
        subprocess.run(["bash", str(script)], check=True, env={**os.environ, "COMPOSE_SECRETS": str(kafka)})
        if kafka.exists():
            for file in kafka.iterdir():
                file.chmod(0o644)  # compose mounts a file with its own mode; the folder above stays closed


if __name__ == "__main__":
    main()

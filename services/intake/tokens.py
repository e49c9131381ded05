"""Development tokens for intake's API: make a key pair, issue a signed JWT.

    python -m services.intake.tokens keygen --algorithm ES256 --out .state/intake-dev
        writes .state/intake-dev.pem (private) and .state/intake-dev.pub.pem (set JWT_PUBLIC_KEY to it)
    python -m services.intake.tokens issue --key-file .state/intake-dev.pem \\
        --sub staff-0001 --category organisation_staff --name "担当 太郎" --email staff@example.co.jp --org org-0001

`issue --secret-file ...` (or `--secret ...`) signs with HS256 instead (the service's JWT_SECRET). The token
is printed on stdout and nowhere else. Real tokens come from the identity provider.
"""

import argparse
import sys
import time
from pathlib import Path
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from contracts.application import FilerCategory


def keygen(algorithm: str, out: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1()) if algorithm == "ES256" else rsa.generate_private_key(65537, 2048)
    private, public = out.with_name(out.name + ".pem"), out.with_name(out.name + ".pub.pem")
    out.parent.mkdir(parents=True, exist_ok=True)
    private.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    private.chmod(0o600)
    public.write_bytes(
        key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    return private, public


def issue(claims: dict[str, Any], *, key_pem: bytes | None = None, secret: str | None = None, ttl: int = 3600) -> str:
    """A signed token; the algorithm follows the key (RS256 for RSA, ES256 for EC, HS256 for a secret)."""
    now = int(time.time())
    payload = {**{k: v for k, v in claims.items() if v is not None}, "iat": now, "exp": now + ttl}
    if secret is not None:
        return jwt.encode(payload, secret, algorithm="HS256")
    if key_pem is None:
        raise ValueError("a private key or a secret is needed")
    key = serialization.load_pem_private_key(key_pem, password=None)
    algorithm = "ES256" if isinstance(key, ec.EllipticCurvePrivateKey) else "RS256"
    return jwt.encode(payload, key, algorithm=algorithm)  # type: ignore[arg-type]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m services.intake.tokens",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(dest="command", required=True)
    make = commands.add_parser("keygen", help="make a key pair for development")
    make.add_argument("--algorithm", choices=("ES256", "RS256"), default="ES256")
    make.add_argument("--out", type=Path, required=True, help="path prefix of the two PEM files")
    token = commands.add_parser("issue", help="issue a token")
    token.add_argument("--sub", required=True, help="the filer id")
    token.add_argument("--category", required=True, choices=[c.value for c in FilerCategory])
    token.add_argument("--name", required=True)
    token.add_argument("--email", required=True)
    token.add_argument("--org", help="the filer's organisation id")
    token.add_argument("--issuer", default="residence-online")
    token.add_argument("--audience", default="intake")
    token.add_argument("--ttl", type=int, default=3600, help="seconds until it expires")
    signer = token.add_mutually_exclusive_group(required=True)
    signer.add_argument("--key-file", type=Path, help="PEM private key (ES256 or RS256)")
    signer.add_argument("--secret", help="HS256 shared secret (development only)")
    signer.add_argument(
        "--secret-file", type=Path, help="file holding the HS256 secret, kept off the command line (JWT_SECRET_FILE)"
    )
    args = parser.parse_args(argv)
    if args.command == "keygen":
        private, public = keygen(args.algorithm, args.out)
        print(f"private key: {private}\npublic key:  {public}  (JWT_PUBLIC_KEY={public})", file=sys.stderr)
        return
    claims = {
        "sub": args.sub,
        "category": args.category,
        "name": args.name,
        "email": args.email,
        "org": args.org,
        "iss": args.issuer,
        "aud": args.audience,
    }
    key_pem = args.key_file.read_bytes() if args.key_file else None
    secret = args.secret_file.read_text(encoding="utf-8").strip() if args.secret_file else args.secret
    print(issue(claims, key_pem=key_pem, secret=secret, ttl=args.ttl))


if __name__ == "__main__":
    main()

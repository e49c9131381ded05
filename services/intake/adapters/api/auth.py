"""Bearer tokens: a signed JWT names the filer, its category and organisation.

Tokens are verified with the configured public key (RS256 or ES256, by the key's
type) or, for development, an HS256 shared secret. The algorithm is never taken
from the token alone: a token is checked only against the key its algorithm
belongs to. Required claims: `sub` (the filer id), `category`, `name`, `email`,
`exp`, `iss`, `aud`; `org` names the filer's organisation. Answers say what is
wrong with a token, never echo it, and nothing here logs it.
"""

from pathlib import Path
from typing import Annotated, Any

import jwt
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import load_pem_public_key
from fastapi import Depends
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, ConfigDict, EmailStr, Field, ValidationError

from contracts.application import FilerCategory, Identifier, ShortText
from services.intake.adapters.api.errors import ApiProblem
from services.intake.settings import IntakeSettings


class Principal(BaseModel):
    """The authenticated filer, from the token's claims."""

    model_config = ConfigDict(frozen=True, extra="ignore", populate_by_name=True)

    filer_id: Identifier = Field(alias="sub")
    category: FilerCategory
    name: ShortText
    email: EmailStr
    organisation_id: Identifier | None = Field(None, alias="org")


class TokenVerifier:
    def __init__(self, settings: IntakeSettings):
        self.settings = settings
        self._keys: dict[str, Any] | None = None

    def keys(self) -> dict[str, Any]:
        """Algorithm → key; loaded once, and checked at start-up so a bad key stops the service there."""
        if self._keys is None:
            keys: dict[str, Any] = {}
            if self.settings.jwt_public_key:
                text = self.settings.jwt_public_key
                pem = text if text.lstrip().startswith("-----BEGIN") else Path(text).read_text()
                public = load_pem_public_key(pem.encode())
                if isinstance(public, rsa.RSAPublicKey):
                    keys["RS256"] = public
                elif isinstance(public, ec.EllipticCurvePublicKey):
                    keys["ES256"] = public
                else:
                    raise ValueError("JWT_PUBLIC_KEY must be an RSA or EC (P-256) public key")
            if self.settings.jwt_secret:
                keys["HS256"] = self.settings.jwt_secret.get_secret_value()
            if not keys:
                raise ValueError("set JWT_PUBLIC_KEY (RS256/ES256) or, for development, JWT_SECRET (HS256)")
            self._keys = keys
        return self._keys

    def verify(self, token: str) -> Principal:
        try:
            algorithm = jwt.get_unverified_header(token).get("alg")
            key = self.keys().get(str(algorithm))
            if key is None:
                raise _unauthorised(f"tokens signed with {algorithm} are not accepted")
            claims = jwt.decode(
                token,
                key,
                algorithms=[str(algorithm)],
                audience=self.settings.jwt_audience,
                issuer=self.settings.jwt_issuer,
                leeway=self.settings.jwt_leeway_seconds,
                options={"require": ["exp", "iss", "aud", "sub"]},
            )
        except jwt.ExpiredSignatureError:
            raise _unauthorised("the token has expired") from None
        except jwt.InvalidTokenError as error:
            raise _unauthorised(f"the token is not valid: {_reason(error)}") from None
        try:
            return Principal.model_validate(claims)
        except ValidationError as error:
            fields = sorted({str(e["loc"][0]) for e in error.errors(include_input=False)})
            raise _unauthorised(f"the token's claims are missing or invalid: {', '.join(fields)}") from None


def _reason(error: jwt.InvalidTokenError) -> str:
    # PyJWT's messages name claims and algorithms, never token content.
    return str(error) or type(error).__name__


def _unauthorised(message: str) -> ApiProblem:
    description = message.replace('"', "'")
    challenge = f'Bearer realm="intake", error="invalid_token", error_description="{description}"'
    return ApiProblem(401, "invalid_token", message, {"WWW-Authenticate": challenge})


_bearer = HTTPBearer(auto_error=False, description="A JWT issued to the filer (see docs/intake-api.md).")


def principal_dependency(verifier: TokenVerifier, allowed: tuple[FilerCategory, ...]) -> Any:
    async def principal(
        credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    ) -> Principal:
        if credentials is None:
            raise ApiProblem(
                401,
                "missing_token",
                "Send a bearer token: Authorization: Bearer <JWT>.",
                {"WWW-Authenticate": 'Bearer realm="intake"'},
            )
        found = verifier.verify(credentials.credentials)
        if found.category not in allowed:
            raise ApiProblem(403, "category_not_allowed", f"Filers of category {found.category} may not use this API.")
        return found

    return principal

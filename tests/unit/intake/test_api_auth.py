"""Bearer tokens: 401 with a challenge when missing or invalid, 403 for a category the API does not serve."""

from pathlib import Path

import httpx
import jwt
import pytest

from services.intake import tokens
from services.intake.adapters.api.auth import TokenVerifier
from services.intake.adapters.api.errors import ApiProblem
from services.intake.settings import IntakeSettings
from services.intake.tokens import issue, keygen

from .wiring import Intake, bearer, settings, submission_body, token


async def call(headers: dict[str, str], **api: object) -> httpx.Response:
    transport = httpx.ASGITransport(app=Intake().api(**api))
    async with httpx.AsyncClient(transport=transport, base_url="http://intake") as client:
        return await client.post("/v1/applications", json=submission_body(), headers=headers)


async def test_a_call_without_a_token_is_a_401_with_a_bearer_challenge() -> None:
    response = await call({})

    assert response.status_code == 401
    assert response.headers["www-authenticate"] == 'Bearer realm="intake"'
    assert response.json()["code"] == "missing_token"


@pytest.mark.parametrize(
    ("headers", "says"),
    [
        ({"Authorization": "Bearer not-a-jwt"}, "not valid"),
        (bearer(ttl=-120), "expired"),
        (bearer(aud="reporting"), "not valid"),
        (bearer(iss="someone"), "not valid"),
        ({"Authorization": "Bearer " + jwt.encode({"sub": "x"}, "another-secret-of-at-least-32-bytes!!")}, "not valid"),
    ],
    ids=["garbage", "expired", "wrong-audience", "wrong-issuer", "wrong-key"],
)
async def test_an_invalid_token_is_a_401_that_says_why(headers: dict[str, str], says: str) -> None:
    response = await call(headers)

    assert response.status_code == 401
    assert says in response.json()["detail"]
    assert response.headers["www-authenticate"].startswith('Bearer realm="intake", error="invalid_token"')


async def test_a_token_without_the_filer_claims_names_the_missing_ones_only() -> None:
    headers = {"Authorization": f"Bearer {token(category='astronaut', email=None)}"}

    response = await call(headers)

    assert response.status_code == 401
    assert response.json()["detail"] == "the token's claims are missing or invalid: category, email"


async def test_a_category_the_api_does_not_serve_is_a_403() -> None:
    response = await call(bearer(category="foreign_national"))

    assert response.status_code == 403
    assert response.json()["code"] == "category_not_allowed"


async def test_an_unsigned_token_is_never_accepted() -> None:
    unsigned = jwt.encode({"sub": "staff-1", "category": "organisation_staff"}, key=None, algorithm="none")

    response = await call({"Authorization": f"Bearer {unsigned}"})

    assert response.status_code == 401
    assert "none are not accepted" in response.json()["detail"]


@pytest.mark.parametrize("algorithm", ["ES256", "RS256"])
def test_keys_made_by_the_cli_sign_tokens_the_service_accepts(tmp_path: Path, algorithm: str) -> None:
    private, public = keygen(algorithm, tmp_path / "dev")
    claims = {
        "sub": "staff-1",
        "category": "lawyer_or_scrivener",
        "name": "行政 書士",
        "email": "s@example.jp",
        "iss": "residence-online",
        "aud": "intake",
    }
    verifier = TokenVerifier(settings(jwt_secret=None, jwt_public_key=str(public)))

    principal = verifier.verify(issue(claims, key_pem=private.read_bytes()))

    assert principal.filer_id == "staff-1"
    assert jwt.get_unverified_header(issue(claims, key_pem=private.read_bytes()))["alg"] == algorithm


def test_an_hs256_token_is_refused_when_only_a_public_key_is_configured(tmp_path: Path) -> None:
    _, public = keygen("ES256", tmp_path / "dev")
    verifier = TokenVerifier(settings(jwt_secret=None, jwt_public_key=public.read_text()))

    with pytest.raises(ApiProblem) as refused:
        verifier.verify(token())
    assert refused.value.status_code == 401


def test_a_service_without_any_key_says_what_to_set() -> None:
    with pytest.raises(ValueError, match="JWT_PUBLIC_KEY"):
        TokenVerifier(settings(jwt_secret=None)).keys()


def test_the_development_secret_is_read_from_its_file_by_the_service_and_the_token_cli(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    secret_file = tmp_path / "jwt-secret"
    secret_file.write_text("from-a-file-not-a-command-line\n")
    for name in ("JWT_SECRET", "JWT_PUBLIC_KEY", "JWT_PUBLIC_KEY_FILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("JWT_SECRET_FILE", str(secret_file))
    monkeypatch.setenv("KAFKA_BOOTSTRAP_SERVERS", "unused:9092")
    monkeypatch.setenv("MONGODB_URI", "mongodb://unused")
    configured = IntakeSettings()  # type: ignore[call-arg]  # read from the environment
    assert "from-a-file" not in repr(configured)
    arguments = ["issue", "--secret-file", str(secret_file), "--sub", "staff-1", "--category", "organisation_staff"]
    tokens.main([*arguments, "--name", "担当 太郎", "--email", "t@example.jp"])
    principal = TokenVerifier(configured).verify(capsys.readouterr().out.strip())
    assert principal.filer_id == "staff-1"

#!/usr/bin/env bash
# Makes the files behind docker-compose.yml's Kafka secrets, those missing only, as deploy/servers.sh makes the
# local broker's (deploy/kafka/security.sh): a development CA, the broker's certificate (names kafka, localhost,
# 127.0.0.1) and one password per principal, under $COMPOSE_SECRETS (default .state/compose/secrets/kafka).
# Production supplies its own files at the same paths instead.
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
if command -v uv >/dev/null 2>&1; then UV=(uv); else UV=(python3 -m uv); fi
say() { printf '[compose-secrets] %s\n' "$*"; }
die() { printf '[compose-secrets] ERROR: %s\n' "$*" >&2; exit 1; }
cd "$REPO"
STATE_DIR="$REPO/.state/compose"
# shellcheck source=deploy/kafka/security.sh
source "$REPO/deploy/kafka/security.sh"
SECRETS_DIR="${COMPOSE_SECRETS:-$SECRETS_DIR}"
kafka_secrets
say "Kafka secrets in $SECRETS_DIR"

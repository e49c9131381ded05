#!/usr/bin/env bash
# Runs a command as the local broker's super user `admin` (harness and operator tools: provisioning topics,
# ops.acls apply, ops.deadletters, the demo, benchmarks' loaders): exports the client settings that
# chassis.kafka_security reads, when the local broker is secured (KAFKA_SECURITY=on, its secrets made by
# deploy/servers.sh), and nothing otherwise. The password stays in its file.
#   deploy/kafka/admin.sh uv run --no-sync python -m chassis.provision
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
secrets="${STATE_DIR:-$REPO/.state}/secrets/kafka"
if [[ "${KAFKA_SECURITY:-on}" == on && -s "$secrets/admin.password" ]]; then
  export KAFKA_SECURITY_PROTOCOL=SASL_SSL KAFKA_SASL_USERNAME=admin
  export KAFKA_SASL_PASSWORD_FILE="$secrets/admin.password" KAFKA_SSL_CAFILE="$secrets/ca.pem"
fi
exec "$@"

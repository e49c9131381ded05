#!/usr/bin/env bash
# The whole test suite on a fresh machine: installs everything, starts the local servers
# it needs, runs the embedded FerretDB's Go tests, the unit tests and then the tests
# against the real servers, and stops the servers it started (those already running are
# left as they were).
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO"
"$REPO/deploy/install.sh"
if command -v uv >/dev/null 2>&1; then UV=(uv); else UV=(python3 -m uv); fi

started=()
for server in kafka mongo; do
  if ! "$REPO/deploy/servers.sh" status "$server" >/dev/null 2>&1; then started+=("$server"); fi
done
stop_started() { if ((${#started[@]})); then "$REPO/deploy/servers.sh" stop "${started[@]}" || true; fi; }
trap stop_started EXIT
if ((${#started[@]})); then "$REPO/deploy/servers.sh" start "${started[@]}"; fi

# The embedded FerretDB program's own tests (Go; its packages were compiled by install.sh).
(cd "$REPO/deploy/ferretdb" && go test -mod=readonly -buildvcs=false ./...)

export KAFKA_BOOTSTRAP_SERVERS="127.0.0.1:${KAFKA_PORT:-9092}"
export MONGODB_URI="mongodb://127.0.0.1:${MONGO_PORT:-27017}/?directConnection=true"
# The tests' own clients are the secured broker's super user (deploy/kafka/admin.sh; docs/security.md).
# Not `exec`: the servers this script started are stopped on its exit (the trap above).
"$REPO/deploy/kafka/admin.sh" "${UV[@]}" run --no-sync pytest "$@"

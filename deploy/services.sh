#!/usr/bin/env bash
# Runs the four services on this machine against the local servers (deploy/servers.sh).
# Usage: deploy/services.sh start|stop|status|restart [intake|eligibility|notification|reporting ...]  (default: all)
# HTTP ports: intake 8081, eligibility 8082, notification 8083, reporting 8084 (INTAKE_PORT etc. override).
# Files: $STATE_DIR/services/<name>.{log,pid}. Development secrets are made once under $STATE_DIR/dev/.
#
# More instances of a service: name one `<service>-N` (N >= 2), e.g. `intake-2`. It is the same service
# under the same name (`python -m services.<service>` always runs under the service's name), so it joins
# the same consumer groups and shares the work, with its own HTTP port (the service's plus
# INSTANCE_PORT_STEP*(N-1), step 100 by default: intake-2 on 8181), pid file and log
# ($STATE_DIR/services/intake-2.{pid,log}).
#
# Secrets are handed over as files (`*_FILE`), never on a command line: intake's development JWT secret,
# and with SMTP_SECURE=1 (the sink started likewise: deploy/servers.sh) the mail relay's CA and password.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
STATE_DIR="${STATE_DIR:-$REPO/.state}"
mkdir -p "$STATE_DIR/services" "$STATE_DIR/dev" && STATE_DIR="$(cd "$STATE_DIR" && pwd)"
RUN_DIR="$STATE_DIR/services"
START_TIMEOUT="${START_TIMEOUT:-90}"
STOP_TIMEOUT="${STOP_TIMEOUT:-30}" # seconds, for all named instances together, before SIGKILL
ALL=(intake eligibility notification reporting)
if command -v uv >/dev/null 2>&1; then UV=(uv); else UV=(python3 -m uv); fi
cd "$REPO"

say() { printf '[services] %s\n' "$*"; }
die() { printf '[services] ERROR: %s\n' "$*" >&2; exit 1; }

# An instance is `<service>` or `<service>-N`; the service is the part before the dash.
service_of() { echo "${1%-[0-9]*}"; }
instance_of() { [[ "$1" == *-[0-9]* ]] && echo "${1##*-}" || echo 1; }

port_of() {
  local base
  case "$(service_of "$1")" in
    intake) base="${INTAKE_PORT:-8081}" ;; eligibility) base="${ELIGIBILITY_PORT:-8082}" ;;
    notification) base="${NOTIFICATION_PORT:-8083}" ;; reporting) base="${REPORTING_PORT:-8084}" ;;
    *) die "unknown service: $1" ;;
  esac
  echo $((base + ${INSTANCE_PORT_STEP:-100} * ($(instance_of "$1") - 1)))
}

pid_of() {
  local file="$RUN_DIR/$1.pid" pid
  [[ -f "$file" ]] || return 1
  pid="$(cat "$file")"
  [[ -r "/proc/$pid/cmdline" ]] && tr '\0' ' ' <"/proc/$pid/cmdline" | grep -F -- "services.$(service_of "$1")" >/dev/null ||
    return 1
  echo "$pid"
}

ready() { curl -fsS --max-time 2 "http://127.0.0.1:$(port_of "$1")/health/ready" >/dev/null 2>&1; }

dev_secrets() {
  # Development secrets (among them a random HS256 secret for development tokens; production uses
  # JWT_PUBLIC_KEY instead), each a file of mode 600 under $STATE_DIR/dev (deploy/make_secrets.py).
  # Made once, before the services start in parallel (they would race to create them).
  "${UV[@]}" run --no-sync python -m deploy.make_secrets "$STATE_DIR/dev" >/dev/null
}

# On the secured local broker each service is its own principal (ACLs from contracts/topics.py, docs/security.md).
kafka_principal() {
  local secrets="$STATE_DIR/secrets/kafka"
  [[ "${KAFKA_SECURITY:-on}" == on && -s "$secrets/$1.password" ]] || return 0
  export KAFKA_SECURITY_PROTOCOL=SASL_SSL KAFKA_SASL_USERNAME="$1"
  export KAFKA_SASL_PASSWORD_FILE="$secrets/$1.password" KAFKA_SSL_CAFILE="$secrets/ca.pem"
}

start_one() {
  local name="$1" port pid
  port="$(port_of "$name")"
  if pid="$(pid_of "$name")"; then say "$name already running (pid $pid, http://127.0.0.1:$port)"; return; fi
  (
    export KAFKA_BOOTSTRAP_SERVERS="${KAFKA_BOOTSTRAP_SERVERS:-127.0.0.1:${KAFKA_PORT:-9092}}"
    export MONGODB_URI="${MONGODB_URI:-mongodb://127.0.0.1:${MONGO_PORT:-27017}/?directConnection=true}"
    export HTTP_HOST=127.0.0.1 HTTP_PORT="$port" LOG_FORMAT="${LOG_FORMAT:-json}"
    [[ -n "${JWT_SECRET:-}" ]] || export JWT_SECRET_FILE="${JWT_SECRET_FILE:-$STATE_DIR/dev/jwt-secret}"
    export SMTP_HOST="${SMTP_HOST:-127.0.0.1}" SMTP_PORT="${SMTP_PORT:-1025}"
    if [[ "${SMTP_SECURE:-0}" == 1 ]]; then
      export SMTP_STARTTLS=true SMTP_CA_FILE="$STATE_DIR/dev/smtp-ca.pem" SMTP_USERNAME=notification
      export SMTP_PASSWORD_FILE="$STATE_DIR/dev/smtp-password"
    fi
    export MAIL_FROM="${MAIL_FROM:-noreply@residence.example.jp}"
    kafka_principal "$(service_of "$name")"
    exec setsid "${UV[@]}" run --no-sync python -m "services.$(service_of "$name")" >>"$RUN_DIR/$name.log" 2>&1
  ) &
  echo $! >"$RUN_DIR/$name.pid"
}

wait_ready() {
  local name="$1" waited=0
  until ready "$name"; do
    if ! pid_of "$name" >/dev/null; then tail -n 30 "$RUN_DIR/$name.log" >&2; die "$name exited during start"; fi
    if ((waited >= START_TIMEOUT * 5)); then tail -n 30 "$RUN_DIR/$name.log" >&2; die "$name not ready in ${START_TIMEOUT}s"; fi
    sleep 0.2
    waited=$((waited + 1))
  done
  say "$name ready: http://127.0.0.1:$(port_of "$name")/health/ready (log $RUN_DIR/$name.log)"
}

# Every named instance is asked to stop at once; those still running after STOP_TIMEOUT get SIGKILL.
stop_all() {
  local name pid waited=0 stopping=()
  for name in "$@"; do
    if ! pid="$(pid_of "$name")"; then say "$name not running"; rm -f "$RUN_DIR/$name.pid"; continue; fi
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid"
    stopping+=("$name:$pid")
  done
  for entry in "${stopping[@]}"; do
    name="${entry%:*}" pid="${entry##*:}"
    while pid_of "$name" >/dev/null && ((waited < STOP_TIMEOUT * 5)); do sleep 0.2; waited=$((waited + 1)); done
    if pid_of "$name" >/dev/null; then
      kill -KILL -- "-$pid" 2>/dev/null || true
      for _ in {1..50}; do pid_of "$name" >/dev/null || break; sleep 0.1; done
    fi
    rm -f "$RUN_DIR/$name.pid"
    say "$name stopped"
  done
}

status_one() {
  local name="$1" pid
  if pid="$(pid_of "$name")" && ready "$name"; then say "$name ready (pid $pid, http://127.0.0.1:$(port_of "$name"))"
  elif pid="$(pid_of "$name")"; then say "$name running but not ready (pid $pid)"; return 1
  else say "$name not running"; return 1; fi
}

command="${1:-status}"
shift || true
names=("$@")
if ((${#names[@]} == 0)); then
  names=("${ALL[@]}")
  # Extra instances are started by name only, but stopped and reported with the rest.
  for file in "$RUN_DIR"/*-[0-9]*.pid; do [[ -e "$file" ]] && names+=("$(basename "$file" .pid)"); done
fi
case "$command" in
  start) dev_secrets; for n in "${names[@]}"; do start_one "$n"; done; for n in "${names[@]}"; do wait_ready "$n"; done ;;
  stop) stop_all "${names[@]}" ;;
  status) rc=0; for n in "${names[@]}"; do status_one "$n" || rc=1; done; exit $rc ;;
  restart) stop_all "${names[@]}"; "$0" start "${names[@]}" ;;
  *) die "usage: $0 start|stop|status|restart [service ...]" ;;
esac

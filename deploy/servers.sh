#!/usr/bin/env bash
# shellcheck disable=SC2317  # launch_* and ready_* are called indirectly, as "ready_$name".
# Runs the real servers on 127.0.0.1 without Docker (install them first: deploy/install.sh):
#   kafka  Apache Kafka, one combined KRaft broker+controller  (KAFKA_PORT 9092, KAFKA_CONTROLLER_PORT 9093)
#   mongo  FerretDB, MongoDB wire protocol over SQLite         (MONGO_PORT 27017)
#          or, with MONGO_BACKEND=postgresql, over PostgreSQL: then `mongo` also names
#   postgresql  a private PostgreSQL cluster for it (initdb on first start), on a unix socket
#          only ($STATE_DIR/postgresql/run, POSTGRES_PORT 5432 names the socket): no TCP port
#   smtp   aiosmtpd sink storing every message as .eml         (SMTP_PORT 1025)
#          while $STATE_DIR/smtp/fail-with exists it answers every message 4xx instead (deploy/smtp/sink.py)
#          SMTP_SECURE=1: it requires STARTTLS and notification's login (secrets under $STATE_DIR/dev)
# Usage: deploy/servers.sh start|stop|status|restart [kafka|kafka-N|mongo|smtp ...]   (default: all)
# Each server runs in its own session (setsid), so it outlives this script and its process
# group can be signalled as a whole. Files: $STATE_DIR/<name>/<name>.{log,pid}. Servers named
# together are launched together, then awaited (and stopped together).
#
# KAFKA_NODES=3 runs a KRaft cluster instead (failover tests): nodes kafka-1..kafka-3, each a
# combined broker+controller with its own properties file and folder, node N on KAFKA_PORT and
# KAFKA_CONTROLLER_PORT plus KAFKA_PORT_STEP*(N-1) (step 100 by default: 9092/9093, 9192/9193,
# 9292/9293), one cluster id for all, every node a voter of the controller quorum, replication
# factor 3 and min.insync.replicas=2. `kafka` names every node, `kafka-2` one of them (to kill
# and restart one broker while the others serve). Clients list every node's port.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
STATE_DIR="${STATE_DIR:-$REPO/.state}"
mkdir -p "$STATE_DIR" && STATE_DIR="$(cd "$STATE_DIR" && pwd)" # absolute, whatever the caller's cwd
KAFKA_PORT="${KAFKA_PORT:-9092}"
KAFKA_CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-9093}"
MONGO_PORT="${MONGO_PORT:-27017}"
MONGO_BACKEND="${MONGO_BACKEND:-sqlite}" # FerretDB's storage: sqlite | postgresql (docs/mongodb-portability.md)
POSTGRES_PORT="${POSTGRES_PORT:-5432}"
SMTP_PORT="${SMTP_PORT:-1025}"
KAFKA_NODES="${KAFKA_NODES:-1}"
KAFKA_PORT_STEP="${KAFKA_PORT_STEP:-100}"
START_TIMEOUT="${START_TIMEOUT:-120}" # seconds; Kafka's first start formats storage
STOP_TIMEOUT="${STOP_TIMEOUT:-30}"    # seconds before SIGKILL; Kafka shuts down in a few
if command -v uv >/dev/null 2>&1; then UV=(uv); else UV=(python3 -m uv); fi
cd "$REPO"
# shellcheck source=deploy/kafka/security.sh
source "$REPO/deploy/kafka/security.sh"

say() { printf '[servers] %s\n' "$*"; }
die() { printf '[servers] ERROR: %s\n' "$*" >&2; exit 1; }
kind_of() { case "$1" in kafka | kafka-*) echo kafka ;; *) echo "$1" ;; esac; }
# Debian's PostgreSQL server programs (postgresql-NN): the newest installed.
postgres_bin() { local d; d="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"; [[ -x "$d/postgres" ]] && echo "$d"; }
# PostgreSQL refuses to run as root: as root, its programs run as the (Debian package's) postgres
# user, POSTGRES_OS_USER. setpriv execs (no process between), so the pid launch records is the server's.
db_user_prefix() {
  local user="${POSTGRES_OS_USER:-postgres}"
  RUN_AS=()
  if [[ "$(id -u)" == 0 ]]; then RUN_AS=(setpriv --reuid="$user" --regid="$(id -g "$user")" --init-groups); fi
}
# The socket's folder goes in the URL's query, percent-encoded: a `+` there (bench-system+3000) reads as a space.
postgres_url() {
  local encoded
  encoded="$(python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1]))' "$STATE_DIR/postgresql/run")"
  echo "postgres://ferretdb@/postgres?host=$encoded&port=$POSTGRES_PORT"
}
node_of() { case "$1" in kafka-*) echo "${1#kafka-}" ;; *) echo 1 ;; esac; }
port_of() {
  case "$1" in
    kafka | kafka-*) echo $((KAFKA_PORT + KAFKA_PORT_STEP * ($(node_of "$1") - 1))) ;;
    mongo) echo "$MONGO_PORT" ;; smtp) echo "$SMTP_PORT" ;; postgresql) echo "$POSTGRES_PORT" ;;
  esac
}
controller_port_of() { echo $((KAFKA_CONTROLLER_PORT + KAFKA_PORT_STEP * ($(node_of "$1") - 1))); }
kafka_names() {
  local n
  if ((KAFKA_NODES == 1)); then echo kafka; else for ((n = 1; n <= KAFKA_NODES; n++)); do echo "kafka-$n"; done; fi
}
now_ms() { echo $((${EPOCHREALTIME//[.,]/} / 1000)); }
tcp_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Prints the recorded pid if that process is alive and is still our server (pids get reused;
# a zombie has an empty cmdline, so a server that died during `start` counts as gone).
pid_of() {
  local file="$STATE_DIR/$1/$1.pid" marker pid
  case "$(kind_of "$1")" in
    kafka) marker=kafka.Kafka ;; mongo) marker=ferretdb-embedded ;; smtp) marker=sink.py ;; postgresql) marker=bin/postgres ;;
  esac
  [[ -f "$file" ]] || return 1
  pid="$(cat "$file")"
  [[ -r "/proc/$pid/cmdline" ]] && tr '\0' ' ' <"/proc/$pid/cmdline" | grep -F -- "$marker" >/dev/null || return 1
  echo "$pid"
}

# Readiness probes: true when the server answers its protocol, not merely when the port is open.
ready_kafka() { grep -F 'Kafka Server started' "$STATE_DIR/$1/$1.log" >/dev/null 2>&1 && tcp_open "$(port_of "$1")"; }
ready_mongo() {
  tcp_open "$MONGO_PORT" && "${UV[@]}" run --no-sync python -c '
import sys, pymongo
pymongo.MongoClient(sys.argv[1], serverSelectionTimeoutMS=2000).admin.command("ping")' \
    "mongodb://127.0.0.1:$MONGO_PORT/?directConnection=true" >/dev/null 2>&1
}
# Answering, and given the indexes FerretDB's queries need (idempotent: applied at every start).
ready_postgresql() {
  local bin
  bin="$(postgres_bin)" && "$bin/pg_isready" -q -d "$(postgres_url)" &&
    "$bin/psql" -X -q -v ON_ERROR_STOP=1 "$(postgres_url)" -f "$REPO/deploy/ferretdb/postgresql.sql" \
      >/dev/null 2>>"$STATE_DIR/postgresql/postgresql.log"
}
ready_smtp() {
  (exec 3<>"/dev/tcp/127.0.0.1/$SMTP_PORT" && read -r -t 3 line <&3 && printf 'QUIT\r\n' >&3 &&
    read -r -t 3 _ <&3 && [[ "$line" == 220* ]]) 2>/dev/null
}

# On failure: the log's tail, plus its first errors (Kafka's cause scrolls by under shutdown noise).
show_log() {
  local log="$STATE_DIR/$1/$1.log"
  tail -n 20 "$log" >&2
  if grep -E ' (ERROR|FATAL) ' "$log" >/dev/null; then
    printf -- '--- first errors in %s:\n' "$log" >&2
    grep -E -m 3 -A 1 ' (ERROR|FATAL) ' "$log" >&2
  fi
}

# launch NAME CMD...: run in the background, in a new session, output to the (fresh) log.
launch() {
  local name="$1"
  shift
  setsid "$@" </dev/null >>"$STATE_DIR/$name/$name.log" 2>&1 &
  echo "$!" >"$STATE_DIR/$name/$name.pid"
}

launch_kafka() {
  local name="$1" dir="$STATE_DIR/$1" libs="$STATE_DIR/kafka/libs" java
  [[ -f "$libs/.pom.sha256" ]] || die "Kafka jars missing in $libs: run deploy/install.sh"
  sed -e "s|@KAFKA_PORT@|$(port_of "$name")|g" -e "s|@CONTROLLER_PORT@|$(controller_port_of "$name")|g" \
    -e "s|@DATA_DIR@|$dir/data|g" "$REPO/deploy/kafka/server.properties.template" >"$dir/server.properties"
  if kafka_secured; then
    [[ -s "$SECRETS_DIR/broker.pem" ]] || kafka_secrets
    chmod 600 "$dir/server.properties"
    kafka_security_properties "$name" >>"$dir/server.properties"
  fi
  ((KAFKA_NODES == 1)) || cluster_properties "$name" >>"$dir/server.properties"
  # Modest fixed heap: two cores and 24 GB shared with four services. The serial collector and the
  # C1 compiler only, not upstream's G1 and C2: on two cores G1's concurrent threads and C2's
  # compiling cost the broker more than their faster code saves it: under the same client load it
  # spent 42 % less CPU (docs/benchmarks.md, "Kafka's CPU per application").
  java=(java -Xms512m -Xmx512m -server -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:MaxInlineLevel=15
    -Djava.awt.headless=true "-Dlog4j2.configurationFile=$REPO/deploy/kafka/log4j2.properties"
    -cp "$libs/*")
  if [[ ! -f "$dir/data/meta.properties" ]]; then
    say "$name: formatting storage in $dir/data (first start)"
    local scram=()
    kafka_secured && mapfile -t scram < <(kafka_scram_arguments)
    "${java[@]}" kafka.tools.StorageTool format -t "$(cluster_id)" -c "$dir/server.properties" "${scram[@]}" \
      >>"$dir/$name.log" 2>&1 || { show_log "$name"; die "$name: storage format failed"; }
  fi
  launch "$name" "${java[@]}" kafka.Kafka "$dir/server.properties"
}

# A new cluster id for a single node; a cluster's nodes share the one the first of them made. The
# form of `StorageTool random-uuid` (16 random bytes, URL-safe base64 without padding, not starting
# with a dash), made here since a JVM started just for it costs a couple of seconds of CPU.
cluster_id() {
  local file="$STATE_DIR/kafka/cluster-id" id=-
  if ((KAFKA_NODES > 1)) && [[ -s "$file" ]]; then cat "$file"; return; fi
  while [[ "$id" == -* ]]; do id="$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | cut -c 1-22)"; done
  ((KAFKA_NODES == 1)) || echo "$id" >"$file"
  echo "$id"
}

# Appended to the single-node template: in a Java properties file the last value of a key wins.
cluster_properties() {
  local n voters="" isr=$((KAFKA_NODES > 2 ? 2 : 1))
  for ((n = 1; n <= KAFKA_NODES; n++)); do voters+="${voters:+,}$n@127.0.0.1:$(controller_port_of "kafka-$n")"; done
  cat <<PROPERTIES

# KAFKA_NODES=$KAFKA_NODES (deploy/servers.sh): node $(node_of "$1") of a cluster on loopback.
node.id=$(node_of "$1")
controller.quorum.voters=$voters
default.replication.factor=$KAFKA_NODES
min.insync.replicas=$isr
offsets.topic.replication.factor=$KAFKA_NODES
transaction.state.log.replication.factor=$KAFKA_NODES
transaction.state.log.min.isr=$isr
share.coordinator.state.topic.replication.factor=$KAFKA_NODES
share.coordinator.state.topic.min.isr=$isr
PROPERTIES
}
launch_mongo() {
  local bin="$STATE_DIR/bin/ferretdb-embedded"
  [[ -x "$bin" ]] || die "FerretDB binary missing at $bin: run deploy/install.sh"
  case "$MONGO_BACKEND" in
    sqlite) launch mongo "$bin" -listen "127.0.0.1:$MONGO_PORT" -data "$STATE_DIR/ferretdb/data" ;;
    postgresql) launch mongo "$bin" -listen "127.0.0.1:$MONGO_PORT" -postgresql-url "$(postgres_url)" ;;
  esac
}
# FerretDB's PostgreSQL: C locale and UTF-8 (which FerretDB requires), trusted local connections
# (the socket's folder is the only way in). force_custom_plan: see deploy/ferretdb/postgresql.sql.
launch_postgresql() {
  local dir="$STATE_DIR/postgresql" bin
  bin="$(postgres_bin)" || die "PostgreSQL missing in /usr/lib/postgresql: run deploy/install.sh"
  mkdir -p "$dir/run"
  db_user_prefix
  if [[ ! -f "$dir/data/PG_VERSION" ]]; then
    say "postgresql: initdb in $dir/data (first start)"
    rm -rf "$dir/data" && mkdir -m 700 "$dir/data"
    [[ "$(id -u)" != 0 ]] || chown "${POSTGRES_OS_USER:-postgres}:" "$dir/data" "$dir/run"
    "${RUN_AS[@]}" "$bin/initdb" -D "$dir/data" --username=ferretdb --auth=trust --encoding=UTF8 --locale=C \
      >>"$dir/postgresql.log" 2>&1 || { show_log postgresql; die "postgresql: initdb failed"; }
  fi
  launch postgresql "${RUN_AS[@]}" "$bin/postgres" -D "$dir/data" -k "$dir/run" -p "$POSTGRES_PORT" \
    -c listen_addresses= -c plan_cache_mode=force_custom_plan
}
launch_smtp() {
  local secure=()
  if [[ "${SMTP_SECURE:-0}" == 1 ]]; then
    # A relay as a real one: STARTTLS required and one login (certificate and password: $STATE_DIR/dev).
    "${UV[@]}" run --no-sync python -m deploy.make_secrets "$STATE_DIR/dev" >/dev/null
    secure=(--tls-cert "$STATE_DIR/dev/smtp-cert.pem" --tls-key "$STATE_DIR/dev/smtp-key.pem"
      --username notification --password-file "$STATE_DIR/dev/smtp-password")
  fi
  launch smtp "${UV[@]}" run --no-sync python "$REPO/deploy/smtp/sink.py" \
    --port "$SMTP_PORT" --dir "$STATE_DIR/smtp/messages" --fail-file "$STATE_DIR/smtp/fail-with" "${secure[@]}"
}

# launch_server NAME: starts it unless it runs already; prints NAME on stdout if it was launched.
launch_server() {
  local name="$1" dir="$STATE_DIR/$1" pid port p
  port="$(port_of "$name")"
  if pid="$(pid_of "$name")"; then
    say "$name: already running (pid $pid, port $port)" >&2
    return 0
  fi
  for p in "$port" $([[ "$(kind_of "$name")" == kafka ]] && controller_port_of "$name"); do
    [[ "$name" != postgresql ]] && tcp_open "$p" && die "$name: port $p is already taken by a process we did not start"
  done
  mkdir -p "$dir"
  [[ -f "$dir/$name.log" ]] && mv -f "$dir/$name.log" "$dir/$name.log.1" # readiness reads this run only
  "launch_$(kind_of "$name")" "$name" >&2
  echo "$name"
}

await_server() {
  local name="$1" t0="$2" dir="$STATE_DIR/$1" pid
  pid="$(cat "$dir/$name.pid")"
  until "ready_$(kind_of "$name")" "$name"; do
    if ! pid_of "$name" >/dev/null; then
      show_log "$name"
      die "$name: exited during start (log: $dir/$name.log)"
    fi
    if (($(now_ms) - t0 > START_TIMEOUT * 1000)); then
      show_log "$name"
      stop "$name" >/dev/null
      die "$name: not ready after ${START_TIMEOUT}s, stopped it (log: $dir/$name.log)"
    fi
    sleep 0.2
  done
  t0=$(($(now_ms) - t0))
  say "$name: ready on 127.0.0.1:$(port_of "$name") (pid $pid) in $((t0 / 1000)).$((t0 % 1000 / 100))s"
}

# Launched together, then awaited: no node of a cluster is ready before a quorum of its controllers is up.
start() {
  local t0 name launched=()
  t0="$(now_ms)"
  for name in "$@"; do launched+=($(launch_server "$name")); done
  for name in "${launched[@]}"; do await_server "$name" "$t0"; done
  # Every start, so that the running cluster always carries the catalogue's ACLs (applying is idempotent).
  if kafka_secured && [[ " ${launched[*]} " == *" kafka"* ]]; then kafka_apply_acls; fi
}

# Asked to stop together: the last node of a cluster would otherwise wait for a controller
# quorum that its stopped peers can no longer form. STOP_TIMEOUT counts for them all.
stop() {
  local name pid waited=0 i pids=() stopping=()
  for name in "$@"; do
    if pid="$(pid_of "$name")"; then
      # PostgreSQL's TERM waits for its clients to leave; INT is its fast shutdown (clients cut, state kept).
      if [[ "$name" == postgresql ]]; then kill -INT -- "-$pid" 2>/dev/null || true
      else kill -TERM -- "-$pid" 2>/dev/null || true; fi
      pids+=("$pid")
      stopping+=("$name")
    else
      rm -f "$STATE_DIR/$name/$name.pid"
      say "$name: not running"
    fi
  done
  for i in "${!pids[@]}"; do
    pid="${pids[$i]}" name="${stopping[$i]}"
    while kill -0 -- "-$pid" 2>/dev/null && ((waited < STOP_TIMEOUT * 10)); do
      sleep 0.1
      waited=$((waited + 1))
    done
    if kill -0 -- "-$pid" 2>/dev/null; then
      kill -KILL -- "-$pid" 2>/dev/null || true
      # Gone before this returns: the next start may want the same ports.
      for _ in {1..50}; do pid_of "$name" >/dev/null || break; sleep 0.1; done
      say "$name: did not stop within ${STOP_TIMEOUT}s, killed (pid $pid)"
    else
      say "$name: stopped (pid $pid)"
    fi
    rm -f "$STATE_DIR/$name/$name.pid"
  done
}

# Exit status 1 if any named server is down or not answering (handy for scripts and CI).
status() {
  local name="$1" pid port
  port="$(port_of "$name")"
  if ! pid="$(pid_of "$name")"; then
    if [[ "$name" != postgresql ]] && tcp_open "$port"; then say "$name: not ours (port $port answered by another process)"
    else say "$name: stopped (port $port)"; fi
    return 1
  fi
  if "ready_$(kind_of "$name")" "$name"; then say "$name: running, pid $pid, 127.0.0.1:$port, answering"
  else say "$name: running, pid $pid, 127.0.0.1:$port, NOT answering"; return 1; fi
}

action="${1:-}"
shift || true
((${#@})) || set -- kafka mongo smtp
names=()
for name in "$@"; do
  case "$name" in
    kafka) mapfile -t -O "${#names[@]}" names < <(kafka_names) ;;
    mongo) [[ "$MONGO_BACKEND" == postgresql ]] && names+=(postgresql)
      names+=("$name") ;;
    smtp | postgresql) names+=("$name") ;;
    kafka-[1-9]) ((${name#kafka-} <= KAFKA_NODES && KAFKA_NODES > 1)) || die "no $name: KAFKA_NODES is $KAFKA_NODES"
      names+=("$name") ;;
    *) die "unknown server '$name' (kafka, kafka-N, mongo, smtp, postgresql)" ;;
  esac
done
case "$MONGO_BACKEND" in sqlite | postgresql) ;; *) die "MONGO_BACKEND is '$MONGO_BACKEND' (sqlite or postgresql)" ;; esac
rc=0
case "$action" in
  start) start "${names[@]}" ;;
  stop) stop "${names[@]}" ;;
  restart) stop "${names[@]}"; start "${names[@]}" ;;
  status) for name in "${names[@]}"; do status "$name" || rc=1; done ;;
  *) die "usage: $0 start|stop|status|restart [kafka|kafka-N|mongo|smtp ...]" ;;
esac
exit "$rc"

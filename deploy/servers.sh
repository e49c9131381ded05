#!/usr/bin/env bash
# shellcheck disable=SC2317  # launch_* and ready_* are called indirectly, as "ready_$name".
# Runs the real servers on 127.0.0.1 without Docker (install them first: deploy/install.sh):
#   kafka  Apache Kafka, one combined KRaft broker+controller  (KAFKA_PORT 9092, KAFKA_CONTROLLER_PORT 9093)
#   mongo  FerretDB, MongoDB wire protocol over SQLite         (MONGO_PORT 27017)
#   smtp   aiosmtpd sink storing every message as .eml         (SMTP_PORT 1025)
# Usage: deploy/servers.sh start|stop|status|restart [kafka|mongo|smtp ...]   (default: all)
# Each server runs in its own session (setsid), so it outlives this script and its process
# group can be signalled as a whole. Files: $STATE_DIR/<name>/<name>.{log,pid}.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
STATE_DIR="${STATE_DIR:-$REPO/.state}"
mkdir -p "$STATE_DIR" && STATE_DIR="$(cd "$STATE_DIR" && pwd)" # absolute, whatever the caller's cwd
KAFKA_PORT="${KAFKA_PORT:-9092}"
KAFKA_CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-9093}"
MONGO_PORT="${MONGO_PORT:-27017}"
SMTP_PORT="${SMTP_PORT:-1025}"
START_TIMEOUT="${START_TIMEOUT:-120}" # seconds; Kafka's first start formats storage
STOP_TIMEOUT="${STOP_TIMEOUT:-30}"    # seconds before SIGKILL; Kafka shuts down in a few
if command -v uv >/dev/null 2>&1; then UV=(uv); else UV=(python3 -m uv); fi
cd "$REPO"

say() { printf '[servers] %s\n' "$*"; }
die() { printf '[servers] ERROR: %s\n' "$*" >&2; exit 1; }
port_of() { case "$1" in kafka) echo "$KAFKA_PORT" ;; mongo) echo "$MONGO_PORT" ;; smtp) echo "$SMTP_PORT" ;; esac; }
now_ms() { echo $((${EPOCHREALTIME//[.,]/} / 1000)); }
tcp_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Prints the recorded pid if that process is alive and is still our server (pids get reused;
# a zombie has an empty cmdline, so a server that died during `start` counts as gone).
pid_of() {
  local file="$STATE_DIR/$1/$1.pid" marker pid
  case "$1" in kafka) marker=kafka.Kafka ;; mongo) marker=ferretdb-embedded ;; smtp) marker=sink.py ;; esac
  [[ -f "$file" ]] || return 1
  pid="$(cat "$file")"
  [[ -r "/proc/$pid/cmdline" ]] && tr '\0' ' ' <"/proc/$pid/cmdline" | grep -F -- "$marker" >/dev/null || return 1
  echo "$pid"
}

# Readiness probes: true when the server answers its protocol, not merely when the port is open.
ready_kafka() { grep -F 'Kafka Server started' "$STATE_DIR/kafka/kafka.log" >/dev/null 2>&1 && tcp_open "$KAFKA_PORT"; }
ready_mongo() {
  tcp_open "$MONGO_PORT" && "${UV[@]}" run --no-sync python -c '
import sys, pymongo
pymongo.MongoClient(sys.argv[1], serverSelectionTimeoutMS=2000).admin.command("ping")' \
    "mongodb://127.0.0.1:$MONGO_PORT/?directConnection=true" >/dev/null 2>&1
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
  local dir="$STATE_DIR/kafka" libs="$STATE_DIR/kafka/libs" java cluster_id
  [[ -f "$libs/.pom.sha256" ]] || die "Kafka jars missing in $libs: run deploy/install.sh"
  sed -e "s|@KAFKA_PORT@|$KAFKA_PORT|g" -e "s|@CONTROLLER_PORT@|$KAFKA_CONTROLLER_PORT|g" \
    -e "s|@DATA_DIR@|$dir/data|g" "$REPO/deploy/kafka/server.properties.template" >"$dir/server.properties"
  # Modest fixed heap: two cores and 24 GB shared with four services. Flags as upstream's scripts.
  java=(java -Xms512m -Xmx512m -server -XX:+UseG1GC -XX:MaxGCPauseMillis=20
    -XX:InitiatingHeapOccupancyPercent=35 -XX:+ExplicitGCInvokesConcurrent -XX:MaxInlineLevel=15
    -Djava.awt.headless=true "-Dlog4j2.configurationFile=$REPO/deploy/kafka/log4j2.properties"
    -cp "$libs/*")
  if [[ ! -f "$dir/data/meta.properties" ]]; then
    say "kafka: formatting storage in $dir/data (first start)"
    # The tool logs a line to stdout before the id: keep the last line, check it looks like one.
    cluster_id="$("${java[@]}" kafka.tools.StorageTool random-uuid 2>/dev/null | tail -n 1)"
    [[ "$cluster_id" =~ ^[A-Za-z0-9_-]{22}$ ]] || die "kafka: random-uuid gave '$cluster_id'"
    "${java[@]}" kafka.tools.StorageTool format -t "$cluster_id" -c "$dir/server.properties" \
      >>"$dir/kafka.log" 2>&1 || { show_log kafka; die "kafka: storage format failed"; }
  fi
  launch kafka "${java[@]}" kafka.Kafka "$dir/server.properties"
}
launch_mongo() {
  local bin="$STATE_DIR/bin/ferretdb-embedded"
  [[ -x "$bin" ]] || die "FerretDB binary missing at $bin: run deploy/install.sh"
  launch mongo "$bin" -listen "127.0.0.1:$MONGO_PORT" -data "$STATE_DIR/ferretdb/data"
}
launch_smtp() {
  launch smtp "${UV[@]}" run --no-sync python "$REPO/deploy/smtp/sink.py" \
    --port "$SMTP_PORT" --dir "$STATE_DIR/smtp/messages"
}

start() {
  local name="$1" dir="$STATE_DIR/$1" pid t0 port p
  port="$(port_of "$name")"
  if pid="$(pid_of "$name")"; then
    say "$name: already running (pid $pid, port $port)"
    return 0
  fi
  for p in "$port" $([[ "$name" == kafka ]] && echo "$KAFKA_CONTROLLER_PORT"); do
    tcp_open "$p" && die "$name: port $p is already taken by a process we did not start"
  done
  mkdir -p "$dir"
  [[ -f "$dir/$name.log" ]] && mv -f "$dir/$name.log" "$dir/$name.log.1" # readiness reads this run only
  t0="$(now_ms)"
  "launch_$name"
  pid="$(cat "$dir/$name.pid")"
  until "ready_$name"; do
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
  say "$name: ready on 127.0.0.1:$port (pid $pid) in $((t0 / 1000)).$((t0 % 1000 / 100))s"
}

stop() {
  local name="$1" pid waited=0
  if ! pid="$(pid_of "$name")"; then
    rm -f "$STATE_DIR/$name/$name.pid"
    say "$name: not running"
    return 0
  fi
  kill -TERM -- "-$pid" 2>/dev/null || true
  while kill -0 -- "-$pid" 2>/dev/null && ((waited < STOP_TIMEOUT * 10)); do
    sleep 0.1
    waited=$((waited + 1))
  done
  if kill -0 -- "-$pid" 2>/dev/null; then
    kill -KILL -- "-$pid" 2>/dev/null || true
    say "$name: did not stop within ${STOP_TIMEOUT}s, killed (pid $pid)"
  else
    say "$name: stopped (pid $pid)"
  fi
  rm -f "$STATE_DIR/$name/$name.pid"
}

# Exit status 1 if any named server is down or not answering (handy for scripts and CI).
status() {
  local name="$1" pid port
  port="$(port_of "$name")"
  if ! pid="$(pid_of "$name")"; then
    if tcp_open "$port"; then say "$name: not ours (port $port answered by another process)"
    else say "$name: stopped (port $port)"; fi
    return 1
  fi
  if "ready_$name"; then say "$name: running, pid $pid, 127.0.0.1:$port, answering"
  else say "$name: running, pid $pid, 127.0.0.1:$port, NOT answering"; return 1; fi
}

action="${1:-}"
shift || true
names=("$@")
((${#names[@]})) || names=(kafka mongo smtp)
for name in "${names[@]}"; do
  case "$name" in kafka | mongo | smtp) ;; *) die "unknown server '$name' (kafka, mongo, smtp)" ;; esac
done
rc=0
case "$action" in
  start) for name in "${names[@]}"; do start "$name"; done ;;
  stop) for name in "${names[@]}"; do stop "$name"; done ;;
  restart) for name in "${names[@]}"; do stop "$name"; start "$name"; done ;;
  status) for name in "${names[@]}"; do status "$name" || rc=1; done ;;
  *) die "usage: $0 start|stop|status|restart [kafka|mongo|smtp ...]" ;;
esac
exit "$rc"

#!/usr/bin/env bash
# Installs what the project and its real servers need on a machine without Docker,
# using package registries only: Python deps (uv/PyPI), the Kafka broker jars
# (Maven Central), the embedded FerretDB binary (Go module proxy), promtool (Debian's
# prometheus package) and PostgreSQL (Debian's postgresql package, for MONGO_BACKEND=postgresql). Idempotent: each step is skipped when its result is already up to date.
# Needs: python3, java 17+, mvn, go; apt-get and dpkg-deb for promtool. State goes to
# $STATE_DIR (default <repo>/.state).
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
STATE_DIR="${STATE_DIR:-$REPO/.state}"
mkdir -p "$STATE_DIR" && STATE_DIR="$(cd "$STATE_DIR" && pwd)" # absolute, whatever the caller's cwd
say() { printf '[install] %s\n' "$*"; }
die() { printf '[install] ERROR: %s\n' "$*" >&2; exit 1; }
# can_apt_install: as root, with apt-get (the machine's image lacks some of Debian's packages the tests use).
can_apt_install() { [[ "$(id -u)" == 0 ]] && command -v apt-get >/dev/null 2>&1; }
# apt_install PACKAGE: installs one Debian package, its output in $STATE_DIR/apt-PACKAGE.log.
apt_install() {
  local log="$STATE_DIR/apt-$1.log"
  say "$1: apt-get install $1"
  if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$1"; } >"$log" 2>&1; then
    tail -n 20 "$log" >&2
    die "apt-get install $1 failed"
  fi
}
for tool in python3 java mvn go; do
  command -v "$tool" >/dev/null 2>&1 || die "$tool not found on PATH"
done
mkdir -p "$STATE_DIR/bin"

# 1. Python environment. pip may put uv outside PATH (~/.local/bin): fall back to `python3 -m uv`.
if ! command -v uv >/dev/null 2>&1; then
  say "uv missing: pip install uv"
  python3 -m pip install --quiet uv || python3 -m pip install --quiet --user --break-system-packages uv
fi
if command -v uv >/dev/null 2>&1; then UV=(uv); else UV=(python3 -m uv); fi
cd "$REPO"
if [[ -f uv.lock ]]; then
  say "python deps: uv sync --frozen"
  "${UV[@]}" sync --frozen
else
  say "python deps: uv sync (no uv.lock yet)"
  "${UV[@]}" sync
fi

# 2. Kafka jars. The stamp is the pom's hash, so changing the pinned version re-installs.
pom="$REPO/deploy/kafka/pom.xml"
libs="$STATE_DIR/kafka/libs"
want="$(sha256sum "$pom" | cut -d' ' -f1)"
version="$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$pom")"
if [[ -f "$libs/.pom.sha256" && "$(cat "$libs/.pom.sha256")" == "$want" ]]; then
  say "kafka $version jars: already in $libs"
else
  say "kafka $version jars: fetching from Maven Central into $libs"
  rm -rf "$libs.tmp"
  mkdir -p "$STATE_DIR/kafka"
  mvn -B -f "$pom" org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy-dependencies \
    -DincludeScope=runtime -DoutputDirectory="$libs.tmp" >"$STATE_DIR/kafka/mvn.log" 2>&1 \
    || { tail -n 30 "$STATE_DIR/kafka/mvn.log" >&2; die "mvn failed (log: $STATE_DIR/kafka/mvn.log)"; }
  python3 -m zipfile -l "$libs.tmp/kafka_2.13-$version.jar" | grep 'kafka/tools/StorageTool.class' >/dev/null \
    || die "kafka.tools.StorageTool not in kafka_2.13-$version.jar (moved in this version?)"
  echo "$want" >"$libs.tmp/.pom.sha256"
  rm -rf "$libs"
  mv "$libs.tmp" "$libs"
fi

# 3. FerretDB. -mod=readonly: fail rather than silently edit go.mod/go.sum, which are committed.
src="$REPO/deploy/ferretdb"
bin="$STATE_DIR/bin/ferretdb-embedded"
up_to_date=true
for source in "$src"/*.go "$src/go.mod" "$src/go.sum"; do
  [[ -x "$bin" && "$bin" -nt "$source" ]] || up_to_date=false
done
if [[ "$up_to_date" == true ]]; then
  say "ferretdb: $bin is up to date"
else
  say "ferretdb: go build (first build takes minutes on two cores)"
  (cd "$src" && go build -mod=readonly -buildvcs=false -trimpath -o "$bin.tmp" .)
  mv "$bin.tmp" "$bin"
fi
# 4. Chromium, for the dashboard test (Debian's package; the machine's image lacks it).
if command -v chromium >/dev/null 2>&1; then
  say "chromium: $(command -v chromium)"
elif can_apt_install; then
  apt_install chromium
else
  say "chromium: missing (install Debian's chromium package for the dashboard test)"
fi
# 5. promtool, which checks the monitoring profile's Prometheus configuration and alert rules
# (deploy/monitoring). Debian's prometheus package ships it; `apt-get download` needs no root,
# and only the promtool binary is taken out of the package (dpkg-deb -x), not installed.
promtool="$STATE_DIR/bin/promtool"
if [[ -x "$promtool" ]] && "$promtool" --version >/dev/null 2>&1; then
  say "promtool: $promtool is installed"
elif ! command -v apt-get >/dev/null 2>&1 || ! command -v dpkg-deb >/dev/null 2>&1; then
  say "promtool: missing (needs apt-get and dpkg-deb to take it from Debian's prometheus package)"
else
  # The package stays in the cache: a lost binary is taken out of it again without a download.
  debs="$STATE_DIR/cache/debs"
  mkdir -p "$debs"
  cached() { shopt -s nullglob; found=("$debs"/prometheus_*.deb); shopt -u nullglob; ((${#found[@]} == 1)); }
  if ! cached; then
    say "promtool: apt-get download prometheus into $debs"
    rm -f "$debs"/prometheus_*.deb
    fetch_deb() { (cd "$debs" && apt-get download prometheus) >"$STATE_DIR/apt-prometheus.log" 2>&1; }
    # A fresh machine may have no package lists yet: refresh them once (root only) and retry.
    if ! fetch_deb && [[ "$(id -u)" == 0 ]]; then
      apt-get update -qq >>"$STATE_DIR/apt-prometheus.log" 2>&1 && fetch_deb || true
    fi
    cached || { tail -n 20 "$STATE_DIR/apt-prometheus.log" >&2; die "apt-get download prometheus failed"; }
  fi
  deb="${found[0]}"
  rm -rf "$debs/prometheus.x"
  dpkg-deb -x "$deb" "$debs/prometheus.x"
  mv "$debs/prometheus.x/usr/bin/promtool" "$promtool.tmp"
  rm -rf "$debs/prometheus.x"
  mv "$promtool.tmp" "$promtool"
  say "promtool: $("$promtool" --version 2>&1 | head -n 1)"
fi
# 6. PostgreSQL, FerretDB's other storage (MONGO_BACKEND=postgresql in deploy/servers.sh, which
# makes its own cluster under $STATE_DIR; the package's own cluster is neither used nor started).
if ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
  say "postgresql: $(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)"
elif can_apt_install; then
  apt_install postgresql
else
  say "postgresql: missing (install Debian's postgresql package for MONGO_BACKEND=postgresql)"
fi
say "done (state in $STATE_DIR)"

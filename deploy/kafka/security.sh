# shellcheck shell=bash
# Sourced by deploy/servers.sh: the local Kafka's TLS, SASL/SCRAM-SHA-512 and ACLs (docs/security.md).
#
# KAFKA_SECURITY=on (default): the client listener on KAFKA_PORT is SASL_SSL (TLS + SCRAM-SHA-512), the
# StandardAuthorizer refuses whatever no ACL allows, and ACLs drawn from contracts/topics.py are applied after
# every start (`python -m ops.acls apply`). KAFKA_PLAINTEXT_PORT, when set, adds a plaintext listener on
# loopback for development tools: its clients are User:ANONYMOUS, which no ACL names, so it reads and writes
# nothing. KAFKA_SECURITY=off keeps the old plaintext broker (benchmarks compare the two).
#
# Made once under $STATE_DIR/secrets/kafka (folder 700, files 600), never printed: a CA (ca.pem, ca.key), the
# broker's key and certificate (broker.pem, for 127.0.0.1, localhost and `kafka`), and one password per
# principal (<name>.password): `admin` (the broker itself and harness tools; super user) and every principal
# `python -m ops.acls principals` names. SCRAM credentials are created when storage is formatted.

# shellcheck source=deploy/kafka/broker-security.sh
source "$(dirname "${BASH_SOURCE[0]}")/broker-security.sh"

KAFKA_SECURITY="${KAFKA_SECURITY:-on}"
SECRETS_DIR="$STATE_DIR/secrets/kafka"

kafka_secured() { [[ "$KAFKA_SECURITY" == on ]]; }

kafka_principals() { "${UV[@]}" run --no-sync python -m ops.acls principals; }

# kafka_secrets: the CA, the broker's certificate and every principal's password, those missing only.
kafka_secrets() {
  local dir="$SECRETS_DIR" name
  (umask 077 && mkdir -p "$dir")
  for name in admin $(kafka_principals); do
    [[ -s "$dir/$name.password" ]] || (umask 077 && head -c 24 /dev/urandom | base64 | tr '+/' '-_' >"$dir/$name.password")
  done
  [[ -s "$dir/broker.pem" ]] && return 0
  say "kafka: making a development CA and broker certificate in $dir"
  (
    umask 077
    cd "$dir"
    openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 825 -subj "/CN=residence dev CA" \
      -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
    openssl req -newkey rsa:2048 -nodes -keyout broker.key -out broker.csr -subj "/CN=kafka" 2>/dev/null
    printf '%s\n' "subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:kafka" "basicConstraints=CA:FALSE" \
      "keyUsage=digitalSignature,keyEncipherment" "extendedKeyUsage=serverAuth,clientAuth" >broker.ext
    openssl x509 -req -in broker.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out broker.crt -days 825 \
      -extfile broker.ext 2>/dev/null
    cat broker.key broker.crt >broker.pem # Kafka's PEM key store: the private key, then its certificate
    rm -f broker.csr broker.ext broker.key
    chmod 644 ca.pem # the CA certificate is public; clients read it
  ) || die "kafka: could not make the TLS certificates (openssl)"
}

# kafka_security_properties NAME: appended to a node's server.properties (mode 600: it holds the admin password).
kafka_security_properties() {
  local name="$1" admin plaintext="" plain_map=""
  admin="$(cat "$SECRETS_DIR/admin.password")"
  if [[ -n "${KAFKA_PLAINTEXT_PORT:-}" ]]; then
    plaintext=",PLAINTEXT://127.0.0.1:$((KAFKA_PLAINTEXT_PORT + KAFKA_PORT_STEP * ($(node_of "$name") - 1)))"
    plain_map=",PLAINTEXT:PLAINTEXT"
  fi
  cat <<PROPERTIES

# KAFKA_SECURITY=on (deploy/kafka/security.sh): TLS + SCRAM-SHA-512 for clients, ACLs for everything.
listeners=SASL_SSL://127.0.0.1:$(port_of "$name"),CONTROLLER://127.0.0.1:$(controller_port_of "$name")$plaintext
advertised.listeners=SASL_SSL://127.0.0.1:$(port_of "$name")$plaintext
listener.security.protocol.map=CONTROLLER:SASL_PLAINTEXT,SASL_SSL:SASL_SSL$plain_map
PROPERTIES
  broker_security_properties "$admin" "$SECRETS_DIR/broker.pem" "$SECRETS_DIR/ca.pem"
}

# kafka_scram_arguments: StorageTool's --add-scram for every principal. The passwords pass on the command line of
# this one short-lived format process (StorageTool reads them from nowhere else), never of the running broker.
kafka_scram_arguments() {
  local file name
  for file in "$SECRETS_DIR"/*.password; do
    name="$(basename "$file" .password)"
    printf '%s\n' --add-scram "SCRAM-SHA-512=[name=$name,password=$(cat "$file")]"
  done
}

# The environment of a harness client that acts as the super user (ops.acls apply, tests, benchmarks).
kafka_admin_env() {
  export KAFKA_SECURITY_PROTOCOL=SASL_SSL KAFKA_SASL_USERNAME=admin \
    KAFKA_SASL_PASSWORD_FILE="$SECRETS_DIR/admin.password" KAFKA_SSL_CAFILE="$SECRETS_DIR/ca.pem"
}

kafka_apply_acls() {
  local bootstrap="" name
  for name in $(kafka_names); do bootstrap+="${bootstrap:+,}127.0.0.1:$(port_of "$name")"; done
  (kafka_admin_env && KAFKA_BOOTSTRAP_SERVERS="$bootstrap" "${UV[@]}" run --no-sync python -m ops.acls apply >/dev/null) ||
    die "kafka: applying the ACLs failed (python -m ops.acls apply)"
  say "kafka: ACLs from contracts/topics.py applied"
}

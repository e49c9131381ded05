#!/usr/bin/env bash
# The Kafka container of docker-compose.yml (official apache/kafka image): the same TLS + SCRAM-SHA-512 listener,
# authorizer and super user as deploy/kafka/security.sh, from compose secrets (/run/secrets), never from the
# environment or a command line of the running broker. Non-secret settings come from KAFKA_* variables, named
# as the image names them (KAFKA_NUM_PARTITIONS -> num.partitions). docs/security.md.
set -euo pipefail
# shellcheck source=deploy/kafka/broker-security.sh
source "$(dirname "$0")/broker-security.sh"
SECRETS=/run/secrets
CONFIG=/var/lib/kafka/data/server.properties
DATA=/var/lib/kafka/data/kraft
admin="$(cat "$SECRETS/kafka_password_admin")"

umask 077
{
  env | grep -E '^KAFKA_' | grep -vE '^KAFKA_(HEAP_OPTS|OPTS|JVM_PERFORMANCE_OPTS|LOG4J_OPTS)=' |
    while IFS='=' read -r key value; do
      name="${key#KAFKA_}" && name="${name,,}" && name="${name//___/-}" && name="${name//__/@}"
      name="${name//_/.}" && printf '%s=%s\n' "${name//@/_}" "$value"
    done
  cat <<PROPERTIES
log.dirs=$DATA
listeners=SASL_SSL://:9092,CONTROLLER://:9093
advertised.listeners=SASL_SSL://kafka:9092
listener.security.protocol.map=CONTROLLER:SASL_PLAINTEXT,SASL_SSL:SASL_SSL
PROPERTIES
  broker_security_properties "$admin" "$SECRETS/kafka_broker_pem" "$SECRETS/kafka_ca"
} >"$CONFIG"

# For the health check and operators (`kafka-*.sh --command-config`): the admin over the same listener.
cat >/tmp/admin-client.properties <<PROPERTIES
security.protocol=SASL_SSL
sasl.mechanism=SCRAM-SHA-512
sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="admin" password="$admin";
ssl.truststore.type=PEM
ssl.truststore.location=$SECRETS/kafka_ca
PROPERTIES

if [[ ! -f "$DATA/meta.properties" ]]; then
  scram=()
  for file in "$SECRETS"/kafka_password_*; do
    scram+=(--add-scram "SCRAM-SHA-512=[name=${file##*/kafka_password_},password=$(cat "$file")]")
  done
  /opt/kafka/bin/kafka-storage.sh format -t "${CLUSTER_ID:-$(/opt/kafka/bin/kafka-storage.sh random-uuid)}" \
    -c "$CONFIG" "${scram[@]}"
fi
exec /opt/kafka/bin/kafka-server-start.sh "$CONFIG"

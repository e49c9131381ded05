# shellcheck shell=bash
# Sourced by deploy/kafka/security.sh (the local broker) and deploy/kafka/compose-kafka.sh (the compose
# container): what both brokers' security is, written once, so the two cannot drift apart.

# broker_security_properties ADMIN_PASSWORD KEY_STORE TRUST_STORE: the server.properties lines that make the
# SASL_SSL listener TLS + SCRAM-SHA-512, the controller's PLAIN login, and the ACL authorizer with the admin as
# its only super user. The caller writes the listeners themselves and their protocol map.
broker_security_properties() {
  local admin="$1" key_store="$2" trust_store="$3"
  cat <<PROPERTIES
inter.broker.listener.name=SASL_SSL
sasl.enabled.mechanisms=SCRAM-SHA-512
sasl.mechanism.inter.broker.protocol=SCRAM-SHA-512
listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="admin" password="$admin";
# The controller quorum cannot use SCRAM (its credentials live in the metadata it serves): PLAIN.
sasl.mechanism.controller.protocol=PLAIN
listener.name.controller.sasl.enabled.mechanisms=PLAIN
listener.name.controller.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="admin" password="$admin" user_admin="$admin";
ssl.keystore.type=PEM
ssl.keystore.location=$key_store
ssl.truststore.type=PEM
ssl.truststore.location=$trust_store
authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer
super.users=User:admin
allow.everyone.if.no.acl.found=false
PROPERTIES
}

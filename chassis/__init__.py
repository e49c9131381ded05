"""The services' shared infrastructure: settings, logging, CloudEvents on Kafka,
delivery semantics, MongoDB, health and the HTTP runner. No domain logic lives here."""

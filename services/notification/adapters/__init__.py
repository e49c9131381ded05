"""The edges of the notification service: SMTP, MongoDB, Kafka, the tariff file, and notices as e-mails."""

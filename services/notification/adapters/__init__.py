"""The edges of the notification service: SMTP, MongoDB and Kafka."""

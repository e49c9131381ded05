"""Intake's HTTP API: routes, answers, schemas, authentication, idempotency and error shapes."""

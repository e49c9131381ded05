# Developer entry points. Servers run natively (no Docker): see deploy/.
.PHONY: install run demo stop status test unit lint servers-up servers-down servers-status topics docs bench faults

install:
	deploy/install.sh

# Everything: install, start Kafka, FerretDB and the SMTP sink, create the topics, start the four services.
# FerretDB stores in SQLite; MONGO_BACKEND=postgresql makes it store in a private PostgreSQL (deploy/servers.sh).
run: install servers-up topics
	deploy/services.sh start
	@echo
	@echo "Intake API:   http://127.0.0.1:8081/docs   (OpenAPI: /openapi.json)"
	@echo "Dashboard:    http://127.0.0.1:8084/dashboard   (figures: /figures, /metrics)"
	@echo "Health:       http://127.0.0.1:808{1,2,3,4}/health/ready"
	@echo "Logs:         .state/services/*.log   Mail received: .state/smtp/messages/"
	@echo "Stop:         make stop"

# With `make run` up: the bureau approves a demo organisation, its staff submit the example of docs/intake-api.md
# over HTTP, and the demo follows the application to acceptance and prints its timeline and e-mails (deploy/demo).
# Re-runnable. Another stack: INTAKE_PORT, KAFKA_BOOTSTRAP_SERVERS, STATE_DIR, JWT_SECRET, or DEMO_ARGS="--help".
demo:
	deploy/kafka/admin.sh uv run --no-sync python -m deploy.demo $(DEMO_ARGS)

stop:
	deploy/services.sh stop
	deploy/servers.sh stop

status: servers-status
	deploy/services.sh status

# The whole suite: installs, starts the servers it needs, runs unit tests then the rest, stops what it started.
test:
	deploy/test.sh

unit:
	uv run pytest tests/unit

lint:
	uv run ruff check .
	uv run ruff format --check .
	uv run mypy

servers-up:
	deploy/servers.sh start

servers-down:
	deploy/servers.sh stop

servers-status:
	deploy/servers.sh status

topics:
	deploy/kafka/admin.sh uv run --no-sync python -m chassis.provision

# Regenerates the committed JSON Schema snapshots and AsyncAPI documents.
docs:
	UPDATE_SCHEMAS=1 UPDATE_ASYNCAPI=1 uv run pytest tests/unit/contracts -q

bench: servers-up
	uv run python bench/baseline.py

# Every fault scenario, one run each on fresh servers of its own (see docs/faults.md); prints the table,
# exits non-zero if any row misses a target. A few: `uv run python bench/faults.py --scenarios a,b` or `--short`.
faults: install
	uv run --no-sync python bench/faults.py

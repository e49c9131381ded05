# One image recipe for the four services; the service is a build argument. From the repository root:
#   docker build --build-arg SERVICE=intake -t residence/intake .
# (SERVICE is one of intake, eligibility, notification, reporting; docker-compose.yml builds all four.)
FROM python:3.11-slim
ARG SERVICE
RUN test -n "$SERVICE" || (echo "build with --build-arg SERVICE=<intake|eligibility|notification|reporting>" >&2; exit 1)
COPY --from=ghcr.io/astral-sh/uv:0.9 /uv /usr/local/bin/uv
WORKDIR /app
ENV UV_COMPILE_BYTECODE=1 UV_LINK_MODE=copy UV_PROJECT_ENVIRONMENT=/app/.venv PATH=/app/.venv/bin:$PATH
# Dependencies first, so a code change does not reinstall them.
COPY pyproject.toml uv.lock README.md ./
RUN uv sync --frozen --no-dev --no-install-project
COPY contracts ./contracts
COPY chassis ./chassis
COPY services ./services
# The operators' tools (python -m ops.deadletters), run in a service's container: docs/operations.md.
COPY ops ./ops
RUN uv sync --frozen --no-dev
USER nobody
ENV SERVICE_MODULE=services.${SERVICE} HTTP_HOST=0.0.0.0 HTTP_PORT=8080 LOG_FORMAT=json
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=5 \
  CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8080/health/ready', timeout=2)"]
# exec: the service is PID 1's replacement, so it receives SIGTERM and shuts down gracefully.
CMD ["sh", "-c", "exec python -m \"$SERVICE_MODULE\""]

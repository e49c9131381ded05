"""Runs a service's ASGI application under uvicorn until SIGTERM or SIGINT.

uvicorn turns the signal into the application's shutdown, which stops the broker
gracefully: subscribers stop fetching, the batch in hand is finished and committed.

The event loop is uvloop's: every service spends much of its CPU in the loop itself
(socket reads and writes to Kafka, MongoDB and SMTP, task switches), which uvloop
does in C.
"""

import uvicorn
import uvloop
from fastapi import FastAPI

from chassis.settings import ServiceSettings


def serve(app: FastAPI, settings: ServiceSettings) -> None:
    config = uvicorn.Config(
        app,
        host=settings.http_host,
        port=settings.http_port,
        log_config=None,  # our structlog set-up handles uvicorn's records too
        access_log=False,
        timeout_graceful_shutdown=int(settings.shutdown_grace_seconds),
        lifespan="on",
    )
    uvloop.run(uvicorn.Server(config).serve())

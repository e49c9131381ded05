"""Runs a service's ASGI application under uvicorn until SIGTERM or SIGINT.

uvicorn turns the signal into the application's shutdown, which stops the broker
gracefully: subscribers stop fetching, the batch in hand is finished and committed.

The event loop is uvloop's: every service spends much of its CPU in the loop itself
(socket reads and writes to Kafka, MongoDB and SMTP, task switches), which uvloop
does in C.
"""

import gc

import uvicorn
import uvloop
from fastapi import FastAPI

from chassis.settings import ServiceSettings

YOUNG_GENERATION = 20_000
"""Container objects allocated, net, before a young-generation collection (CPython's default: 700)."""


def settle_garbage_collector() -> None:
    """Once start-up is done: what it built is frozen, and the young generation may grow larger.

    Why: a service makes many short-lived objects per event (models, dicts, futures), nearly
    all freed at once by reference counting; yet at CPython's default threshold a collection
    ran every few events and walked them, with the long-lived objects start-up built
    (schemas, templates, modules) in every full collection: 4-5 % of the notification
    service's CPU under load. Frozen objects are never walked again; reference cycles are
    still collected, a little later.
    """
    gc.freeze()
    gc.set_threshold(YOUNG_GENERATION, *gc.get_threshold()[1:])


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
    settle_garbage_collector()
    uvloop.run(uvicorn.Server(config).serve())

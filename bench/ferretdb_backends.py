"""FerretDB's two storages side by side: point reads, updates and `$in` reads as the collection grows.

    uv run python bench/ferretdb_backends.py [--sizes 20000,100000] [--port 3018] [--backends sqlite,postgresql]

For each size and each backend (sqlite, then postgresql: deploy/servers.sh's MONGO_BACKEND) it
starts a fresh FerretDB of its own under .state/bench-backends-<backend> on --port, fills one
collection with documents of about 1 KB, then times from one client, one at a time:
`find_one({_id})`, `update_one({_id}, $set)`, `insert_one`, and `find({_id: {$in: 500 ids}})`.
Prints operations per second and the CPU milliseconds per operation of the storage's processes
(FerretDB, plus PostgreSQL's on that backend): on a shared machine the CPU per operation is the
figure to compare, the rate moves with whatever else runs. The backend `postgresql-bare` is
postgresql without the index deploy/ferretdb/postgresql.sql adds: what that index buys.
"""

import argparse
import os
import random
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pymongo import MongoClient

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._stack import REPO
from bench._usage import group_cpu_seconds

BACKENDS = ("sqlite", "postgresql", "postgresql-bare")
PAD = "x" * 900


def document(i: int) -> dict[str, Any]:
    return {"_id": f"application-{i:08d}", "status": "received", "n": i, "pad": PAD}


class Server:
    """One FerretDB (and its PostgreSQL) in a folder of its own, driven by deploy/servers.sh."""

    def __init__(self, backend: str, port: int) -> None:
        storage = backend.removesuffix("-bare")
        self.bare = backend != storage
        self.state = REPO / ".state" / f"bench-backends-{storage}"
        self.env = {**os.environ, "STATE_DIR": str(self.state), "MONGO_PORT": str(port), "MONGO_BACKEND": storage}
        self.uri = f"mongodb://127.0.0.1:{port}/?directConnection=true"

    def _servers(self, action: str) -> None:
        subprocess.run([str(REPO / "deploy" / "servers.sh"), action, "mongo"], env=self.env, check=action != "stop")

    def start(self) -> None:
        """On an empty folder: whatever an interrupted earlier run left is stopped and removed."""
        if self.state.exists():
            self.stop()
        shutil.rmtree(self.state, ignore_errors=True)
        self.state.mkdir(parents=True)
        (self.state / "bin").symlink_to(REPO / ".state" / "bin")
        self._servers("start")
        if self.bare:
            psql = sorted(Path("/usr/lib/postgresql").glob("*/bin/psql"))[-1]
            url = f"postgres://ferretdb@/postgres?host={self.state}/postgresql/run&port=5432"
            drop = "DROP EVENT TRIGGER ferretdb_index_new_tables"
            subprocess.run([str(psql), "-X", "-q", url, "-c", drop], check=True)

    def stop(self) -> None:
        self._servers("stop")

    def cpu_seconds(self) -> float:
        total = 0.0
        for name in ("mongo", "postgresql"):
            try:
                total += group_cpu_seconds(int((self.state / name / f"{name}.pid").read_text()))
            except (OSError, ValueError):
                continue
        return total


def timed(server: Server, operations: int, operation: Callable[[int], object]) -> tuple[float, float]:
    """Operations per second and CPU ms of the storage's processes per operation."""
    cpu, started = server.cpu_seconds(), time.perf_counter()
    for i in range(operations):
        operation(i)
    elapsed, spent = time.perf_counter() - started, server.cpu_seconds() - cpu
    return operations / elapsed, 1000 * spent / operations


def measure(backend: str, size: int, port: int) -> dict[str, tuple[float, float]]:
    server = Server(backend, port)
    server.start()
    try:
        client: MongoClient[dict[str, Any]] = MongoClient(server.uri)
        docs = client.bench.docs
        for start in range(0, size, 1000):
            docs.insert_many([document(i) for i in range(start, min(size, start + 1000))], ordered=False)
        time.sleep(2)  # SQLite's sweeper adds its _id index within a second (deploy/ferretdb/idindex.go)
        ids = [f"application-{random.randrange(size):08d}" for _ in range(1000)]
        return {
            "find_one by _id": timed(server, 300, lambda i: docs.find_one({"_id": ids[i]})),
            "update_one by _id": timed(server, 200, lambda i: docs.update_one({"_id": ids[i]}, {"$set": {"n": -i}})),
            "insert_one": timed(server, 200, lambda i: docs.insert_one(document(size + i))),
            "find $in 500 ids": timed(server, 3, lambda i: list(docs.find({"_id": {"$in": ids[i : i + 500]}}))),
        }
    finally:
        server.stop()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="20000,100000", help="documents in the collection, comma-separated")
    parser.add_argument("--port", type=int, default=3018, help="FerretDB's port (default 3018)")
    parser.add_argument("--backends", default=",".join(BACKENDS), help=f"some of {', '.join(BACKENDS)}")
    args = parser.parse_args()
    rows = []
    for size in (int(s) for s in args.sizes.split(",")):
        for backend in args.backends.split(","):
            for what, (rate, cpu_ms) in measure(backend, size, args.port).items():
                rows.append(f"{size:>9,} {backend:11} {what:18} {rate:10.1f}/s {cpu_ms:9.2f} CPU ms/op")
                print(rows[-1], flush=True)


if __name__ == "__main__":
    main()

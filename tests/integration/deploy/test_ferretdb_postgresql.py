"""deploy/servers.sh with MONGO_BACKEND=postgresql: FerretDB over a private PostgreSQL cluster of its own.

Starts its own pair in a folder of its own on a free port (PostgreSQL listens on a unix socket
only), so it runs whichever backend the other tests use.
"""

import glob
import os
import shutil
import socket
import subprocess
import uuid
from pathlib import Path
from typing import Any

import pytest
from pymongo import MongoClient

REPO = Path(__file__).resolve().parents[3]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _servers(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    command = [str(REPO / "deploy" / "servers.sh"), *args]
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)


def test_servers_run_ferretdb_over_postgresql_whose_lookups_by_id_use_an_index_at_once() -> None:
    if not glob.glob("/usr/lib/postgresql/*/bin/postgres"):
        pytest.fail("PostgreSQL is missing: deploy/install.sh installs Debian's postgresql as root", pytrace=False)
    # Under the repository, not /tmp: as root, PostgreSQL runs as another user, who must reach the folder.
    # A `+` as in the benchmarks' folders (bench-system+3000): the folder goes into a URL.
    state = REPO / ".state" / f"test-postgresql+{uuid.uuid4().hex[:8]}"
    state.mkdir(parents=True)
    (state / "bin").symlink_to(REPO / ".state" / "bin")
    port = _free_port()
    env = {**os.environ, "STATE_DIR": str(state), "MONGO_PORT": str(port), "MONGO_BACKEND": "postgresql"}
    try:
        started = _servers(env, "start", "mongo")
        assert started.returncode == 0, started.stdout + started.stderr
        assert _servers(env, "status", "postgresql").returncode == 0

        client: MongoClient[dict[str, Any]] = MongoClient(f"mongodb://127.0.0.1:{port}/?directConnection=true")
        docs = client.test.docs
        docs.insert_many([{"_id": f"doc-{i}", "n": i} for i in range(2000)])
        # No waiting: the index is made in the transaction that makes the collection's table.
        plan = client.test.command("explain", {"find": "docs", "filter": {"_id": "doc-7"}})
        assert "_id_lookup" in str(plan["queryPlanner"])
        assert docs.find_one({"_id": "doc-7"}) == {"_id": "doc-7", "n": 7}
        client.close()

        stopped = _servers(env, "stop", "mongo")
        assert stopped.returncode == 0, stopped.stdout + stopped.stderr
        assert "postgresql: stopped" in stopped.stdout
        assert _servers(env, "status", "postgresql").returncode == 1
    finally:
        _servers(env, "stop", "mongo")
        shutil.rmtree(state, ignore_errors=True)

"""Earlier applications in the services' databases: the `--history` of the system benchmark.

Why copies of a real run: the point is to show that no hot-path read grows with what is
stored, so the stored history must look exactly as the services leave it, in every
collection and index, whatever shapes the services' documents take next. So a seed of
real applications goes through the running system first; then every collection that grew
by at least one document per two seed applications is copied until it holds what
`history` applications would have left. Each copy gives every unique key (the `_id` and
the fields of the collection's unique indexes) a suffix of its own, so copies never
collide with each other or with the measured run (no service makes such keys), and the
indexes hold them all.

Why SQL: the driver inserts about 2,000 documents a second into the embedded FerretDB on
this machine, hours for a million applications' documents. FerretDB's SQLite backend keeps
a collection as one table of JSON documents (`_ferretdb_sjson`) with its indexes as
expression indexes on that column, so an `INSERT … SELECT` that rewrites the keys with
SQLite's JSON functions copies a million rows in seconds and keeps every index as
FerretDB would. It runs while the services are stopped, FerretDB idle; FerretDB keeps no
row count or cache of a table's rows, so it serves the copies at once.
"""

import json
import sqlite3
from pathlib import Path

SUFFIX = "~h"
"""Copy n's keys end with `~h<n>`."""


def replicate(data: Path, databases: list[str], seed: int, history: int) -> dict[str, int]:
    """Copies each grown collection of each database until it holds `history` applications' documents.

    Returns the rows each collection holds afterwards, by `database.collection`.
    """
    copies = max(0, -(-history // seed) - 1)
    held: dict[str, int] = {}
    for database in databases:
        path = data / f"{database}.sqlite"
        if not path.exists():
            continue
        with sqlite3.connect(path, timeout=60) as connection:
            for collection, table, keys in _collections(connection):
                rows = connection.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]
                if copies and rows * 2 >= seed:
                    _copy(connection, table, keys, copies)
                    rows = connection.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]
                held[f"{database}.{collection}"] = rows
    return held


def _collections(connection: sqlite3.Connection) -> list[tuple[str, str, list[str]]]:
    """Each collection's name, table and unique key fields (`_id` first)."""
    found = []
    for name, table, settings in connection.execute("SELECT name, table_name, settings FROM _ferretdb_collections"):
        keys = ["_id"]
        for index in json.loads(settings).get("indexes", []):
            if index.get("unique"):
                keys += [k["field"] for k in index["key"] if k["field"] not in keys]
        found.append((name, table, keys))
    return found


def _copy(connection: sqlite3.Connection, table: str, keys: list[str], copies: int) -> None:
    document = "_ferretdb_sjson"
    for key in keys:
        # Only a key held as a string takes the suffix (every key the services make is one); an absent
        # key stays absent, so a sparse unique index and FerretDB's stored type schema stay as they were.
        path = "'$." + ".".join(f'"{part}"' for part in key.split(".")) + "'"
        renamed = f"json_set({document}, {path}, json_extract(_ferretdb_sjson, {path}) || '{SUFFIX}' || n)"
        document = f"CASE WHEN json_type(_ferretdb_sjson, {path}) = 'text' THEN {renamed} ELSE {document} END"
    last = connection.execute(f'SELECT max(rowid) FROM "{table}"').fetchone()[0]
    connection.execute(
        f"WITH RECURSIVE copy(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM copy WHERE n < {copies}) "
        f'INSERT INTO "{table}" (_ferretdb_sjson) '
        f'SELECT {document} FROM copy, "{table}" WHERE "{table}".rowid <= {last}'
    )

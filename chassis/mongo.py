"""MongoDB through PyMongo's native async client.

Only what both MongoDB and FerretDB 1.24 support is used (docs/mongodb-portability.md).
Mind FerretDB's one strong guarantee: an insert with a unique `_id` is atomic, and of
concurrent inserts of one `_id` exactly one succeeds. Its updates read, modify and
write back outside one transaction, so a concurrent update (even `$inc`) can be lost:
where two writers may race, make the write an insert of a new, uniquely keyed document.
"""

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from pymongo import AsyncMongoClient, IndexModel, monitoring
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import BulkWriteError

DUPLICATE_KEY = 11000


def connect(
    uri: str,
    *,
    username: str | None = None,
    password: str | None = None,
    listeners: Sequence[monitoring.CommandListener] = (),
) -> AsyncMongoClient[dict[str, Any]]:
    """Builds the client; it connects lazily, on first use, never at import. `listeners` see every command.

    A user and password given apart from the URI (MONGODB_USERNAME, MONGODB_PASSWORD_FILE) let the URI be
    plain configuration while the password stays a secret; the URI's `authSource` names the users' database."""
    login: dict[str, Any] = {"username": username, "password": password} if username else {}
    return AsyncMongoClient(
        uri,
        tz_aware=True,
        serverSelectionTimeoutMS=5_000,
        connectTimeoutMS=5_000,
        event_listeners=list(listeners),
        **login,
    )


async def ping(database: AsyncDatabase[dict[str, Any]]) -> bool:
    try:
        await database.command("ping")
    except Exception:  # readiness reports a failure, it does not raise one
        return False
    return True


async def ensure_indexes(database: AsyncDatabase[dict[str, Any]], indexes: Mapping[str, Iterable[IndexModel]]) -> None:
    # One index per call: FerretDB drops the connection when one call re-creates several existing indexes.
    for collection, models in indexes.items():
        for model in models:
            await database[collection].create_indexes([model])


def only_duplicates(error: BulkWriteError) -> bool:
    """True when every error of an unordered bulk write is a duplicate key (already written)."""
    errors = error.details.get("writeErrors", [])
    return bool(errors) and all(e.get("code") == DUPLICATE_KEY for e in errors)


async def insert_unless_taken(
    collection: AsyncCollection[dict[str, Any]], documents: Sequence[dict[str, Any]]
) -> set[Any]:
    """Inserts the documents whose `_id` is not taken yet, in one unordered bulk write; returns the `_id`s
    that were taken. A taken `_id` is how a writer learns that it lost a race or repeats itself (FerretDB's
    one atomic conditional write); any other error is raised."""
    if not documents:
        return set()
    try:
        await collection.insert_many(documents, ordered=False)
    except BulkWriteError as error:
        if not only_duplicates(error):
            raise
        return {documents[e["index"]]["_id"] for e in error.details["writeErrors"]}
    return set()

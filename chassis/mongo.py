"""MongoDB through PyMongo's native async client.

Only what both MongoDB and FerretDB 1.x support is used: single-document atomic
writes, unique indexes, upserts with `$setOnInsert`/`$inc`, unordered bulk writes.
No transactions, change streams or TTL indexes.
"""

from collections.abc import Iterable, Mapping
from typing import Any

from pymongo import AsyncMongoClient, IndexModel
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import BulkWriteError

DUPLICATE_KEY = 11000


def connect(uri: str) -> AsyncMongoClient[dict[str, Any]]:
    """Builds the client; it connects lazily, on first use, never at import."""
    return AsyncMongoClient(uri, tz_aware=True, serverSelectionTimeoutMS=5_000, connectTimeoutMS=5_000)


async def ping(database: AsyncDatabase[dict[str, Any]]) -> bool:
    try:
        await database.command("ping")
    except Exception:  # readiness reports a failure, it does not raise one
        return False
    return True


async def ensure_indexes(database: AsyncDatabase[dict[str, Any]], indexes: Mapping[str, Iterable[IndexModel]]) -> None:
    for collection, models in indexes.items():
        models = list(models)
        if models:
            await database[collection].create_indexes(models)


def only_duplicates(error: BulkWriteError) -> bool:
    """True when every error of an unordered bulk write is a duplicate key (already written)."""
    errors = error.details.get("writeErrors", [])
    return bool(errors) and all(e.get("code") == DUPLICATE_KEY for e in errors)

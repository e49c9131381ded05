"""The two MongoDB operations FerretDB 1.x gets right that intake builds on: unique inserts, and indexes.

FerretDB enforces unique keys reliably, also under concurrency, while its updates
are not atomic; so intake settles every race by inserting a document whose `_id`
names what is claimed, and learns from the duplicate-key errors who lost.
"""

from typing import Any

from pymongo import IndexModel
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import BulkWriteError

from chassis import mongo

Document = dict[str, Any]


async def insert_new(collection: AsyncCollection[Document], documents: list[Document]) -> set[str]:
    """Inserts the documents whose `_id` is not taken yet; returns the ids it inserted."""
    if not documents:
        return set()
    try:
        await collection.insert_many(documents, ordered=False)
    except BulkWriteError as error:
        if not mongo.only_duplicates(error):
            raise
        taken = {documents[e["index"]]["_id"] for e in error.details["writeErrors"]}
        return {d["_id"] for d in documents} - taken
    return {d["_id"] for d in documents}


async def create_indexes(database: AsyncDatabase[Document], indexes: dict[str, list[IndexModel]]) -> None:
    """One index per command: FerretDB 1.x drops the connection when one `createIndexes` names two or more
    indexes that already exist (every start after the first), which the chassis's `Service.indexes` does."""
    for collection, models in indexes.items():
        for model in models:
            await database[collection].create_indexes([model])

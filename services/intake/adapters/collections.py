"""The MongoDB operation FerretDB 1.x gets right that intake builds on: the unique insert.

FerretDB enforces unique keys reliably, also under concurrency, while its updates
are not atomic; so intake settles every race by inserting a document whose `_id`
names what is claimed, and learns from the duplicate-key errors who lost.
"""

from typing import Any

from pymongo.asynchronous.collection import AsyncCollection

from chassis import mongo

Document = dict[str, Any]


async def insert_new(collection: AsyncCollection[Document], documents: list[Document]) -> set[str]:
    """Inserts the documents whose `_id` is not taken yet; returns the ids it inserted."""
    return {d["_id"] for d in documents} - await mongo.insert_unless_taken(collection, documents)

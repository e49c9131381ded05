"""Point reads and updates in the shape FerretDB serves well (inserts: `chassis.mongo.insert_unless_taken`).

FerretDB 1.x scans the whole collection for `_id: {$in: [...]}` (so a read of a batch
slows down as the collection grows), spends milliseconds on every document an update
touches, and never returns from an update command of 100 statements or more. Unordered
bulk inserts and point reads by `_id` stay fast at any size, so the notification
service's stores write by inserting and read by `_id`, a few reads at a time.
"""

import asyncio
from collections.abc import Awaitable, Collection, Iterable
from typing import Any, TypeVar

from pymongo.asynchronous.collection import AsyncCollection

READ_CONCURRENCY = 16
"""Point reads in flight at once: FerretDB answers each in about a millisecond, several side by side."""

Document = dict[str, Any]
T = TypeVar("T")


async def read_by_id(collection: AsyncCollection[Document], ids: Collection[str]) -> dict[str, Document]:
    slots = asyncio.Semaphore(READ_CONCURRENCY)

    async def one(key: str) -> Document | None:
        async with slots:
            return await collection.find_one({"_id": key})

    return {document["_id"]: document for document in await _all(one(key) for key in ids) if document is not None}


async def update_each(collection: AsyncCollection[Document], ids: Collection[str], update: Document) -> None:
    """The same update on each document, by `_id`, a few at a time (never one command for all)."""
    slots = asyncio.Semaphore(READ_CONCURRENCY)

    async def one(key: str) -> None:
        async with slots:
            await collection.update_one({"_id": key}, update)

    await _all(one(key) for key in ids)


async def delete_each(collection: AsyncCollection[Document], ids: Collection[str]) -> None:
    """Deletes each document by `_id`, a few at a time."""
    slots = asyncio.Semaphore(READ_CONCURRENCY)

    async def one(key: str) -> None:
        async with slots:
            await collection.delete_one({"_id": key})

    await _all(one(key) for key in ids)


async def _all(calls: Iterable[Awaitable[T]]) -> list[T]:
    """Every call run to its end (none left running in the background), then the first failure raised."""
    kept: list[T] = []
    for result in await asyncio.gather(*calls, return_exceptions=True):
        if isinstance(result, BaseException):
            raise result
        kept.append(result)
    return kept

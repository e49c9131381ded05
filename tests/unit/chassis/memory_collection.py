"""An in-memory stand-in for the one MongoDB collection the parking lot uses, so its rules run without servers.

It understands just what `chassis.parking` asks: equality, `$in`, `$ne`, `$gt` and `$lte` filters, `$set`
updates, a sort by several ascending fields, and inserts that keep the first copy of an `_id`.
"""

import operator
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from typing import Any

Document = dict[str, Any]
_OPERATORS: dict[str, Callable[[Any, Any], bool]] = {
    "$in": lambda value, given: value in given,
    "$ne": operator.ne,
    "$gt": lambda value, given: value is not None and value > given,
    "$lte": lambda value, given: value is not None and value <= given,
}


def _matches(document: Document, query: Mapping[str, Any]) -> bool:
    for name, wanted in query.items():
        value = document.get(name)
        if isinstance(wanted, Mapping):
            if not all(_OPERATORS[op](value, given) for op, given in wanted.items()):
                return False
        elif value != wanted:
            return False
    return True


class Cursor:
    def __init__(self, documents: list[Document]) -> None:
        self._documents = documents

    def sort(self, fields: Sequence[tuple[str, int]]) -> "Cursor":
        self._documents.sort(key=lambda d: tuple(d[name] for name, _ in fields))
        return self

    async def to_list(self) -> list[Document]:
        return list(self._documents)

    async def __aiter__(self) -> AsyncIterator[Document]:
        for document in self._documents:
            yield document


class MemoryCollection:
    def __init__(self) -> None:
        self.documents: dict[str, Document] = {}

    async def insert_many(self, documents: Sequence[Document], ordered: bool = True) -> None:
        for document in documents:
            self.documents.setdefault(document["_id"], dict(document))

    def find(self, query: Mapping[str, Any], projection: Any = None) -> Cursor:
        return Cursor([dict(d) for d in self.documents.values() if _matches(d, query)])

    async def count_documents(self, query: Mapping[str, Any]) -> int:
        return sum(_matches(d, query) for d in self.documents.values())

    async def update_many(self, query: Mapping[str, Any], update: Mapping[str, Mapping[str, Any]]) -> None:
        (fields,) = update.values()  # only $set
        for document in self.documents.values():
            if _matches(document, query):
                document.update(fields)

    async def delete_many(self, query: Mapping[str, Any]) -> None:
        for found in [i for i, d in self.documents.items() if _matches(d, query)]:
            del self.documents[found]


class MemoryDatabase(dict[str, MemoryCollection]):
    def __missing__(self, name: str) -> MemoryCollection:
        self[name] = collection = MemoryCollection()
        return collection

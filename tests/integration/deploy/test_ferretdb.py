"""Our embedded FerretDB: lookups by _id use an index, and concurrent writers wait rather than fail."""

import asyncio
from typing import Any

import pytest
from pymongo.asynchronous.database import AsyncDatabase

from tests.integration.kafka_helpers import eventually


async def _is_ferretdb(database: AsyncDatabase[dict[str, Any]]) -> bool:
    info = await database.client.admin.command("buildInfo")
    return "ferretdbVersion" in info


@pytest.fixture
async def ferretdb(database: AsyncDatabase[dict[str, Any]]) -> AsyncDatabase[dict[str, Any]]:
    if not await _is_ferretdb(database):
        pytest.fail(
            "these tests check the project's embedded FerretDB; the server under test is another one", pytrace=False
        )
    return database


async def test_a_lookup_by_id_searches_the_index_the_sweeper_adds(ferretdb: AsyncDatabase[dict[str, Any]]) -> None:
    await ferretdb.docs.insert_many([{"_id": f"doc-{i}", "n": i} for i in range(2000)])

    async def uses_index() -> bool:
        # FerretDB's connections see a new index once they have written (collections in use always do).
        await ferretdb.docs.update_one({"_id": "doc-1"}, {"$inc": {"n": 1}})
        plan = await ferretdb.command("explain", {"find": "docs", "filter": {"_id": "doc-7"}})
        return "_id_lookup" in str(plan["queryPlanner"])

    await eventually(uses_index, timeout=15)


async def test_concurrent_updates_of_one_collection_all_succeed(ferretdb: AsyncDatabase[dict[str, Any]]) -> None:
    await ferretdb.docs.insert_many([{"_id": f"doc-{i}", "n": 0} for i in range(200)])
    await asyncio.gather(*(ferretdb.docs.update_one({"_id": f"doc-{i}"}, {"$inc": {"n": 1}}) for i in range(200)))
    assert await ferretdb.docs.count_documents({"n": 1}) == 200

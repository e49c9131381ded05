"""The chassis's one duplicate-tolerant insert, on the real MongoDB-protocol server."""

from typing import Any

from pymongo.asynchronous.database import AsyncDatabase

from chassis.mongo import insert_unless_taken


async def test_an_insert_keeps_what_is_new_and_names_the_ids_already_taken(
    database: AsyncDatabase[dict[str, Any]],
) -> None:
    things = database["things"]
    assert await insert_unless_taken(things, [{"_id": "a"}, {"_id": "b"}]) == set()

    taken = await insert_unless_taken(things, [{"_id": "b", "n": 2}, {"_id": "c"}, {"_id": "a"}])

    assert taken == {"a", "b"}
    assert sorted([d async for d in things.find({})], key=lambda d: d["_id"]) == [
        {"_id": "a"},
        {"_id": "b"},
        {"_id": "c"},
    ]
    assert await insert_unless_taken(things, []) == set()

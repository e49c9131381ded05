"""The services run on uvloop (chassis.runner); the async tests must exercise the same loop."""

import asyncio


async def test_async_tests_run_on_uvloop() -> None:
    assert type(asyncio.get_running_loop()).__module__.startswith("uvloop")

"""Steps 2 and 3: submit the example over intake's HTTP API, then follow the application.

The application has settled when it has gone as far as it can without the examination system,
which is outside this one: accepted (and so under examination) with its acceptance notice sent,
or not eligible with that notice sent. Intake notes each notice sent on the timeline
(`notice=<kind>`), once the mail server has taken it.
"""

import asyncio
from collections.abc import Awaitable
from datetime import datetime

import httpx

from contracts.intake import ApplicationStatus
from deploy.demo import example, organisation
from deploy.demo.errors import DemoError
from deploy.demo.settings import DemoSettings
from services.intake.adapters.api.schemas import ApplicationView
from services.intake.tokens import issue

POLL_SECONDS = 0.3
BEFORE_AN_OUTCOME = {ApplicationStatus.SUBMITTED, ApplicationStatus.ACCEPTED}


async def submit_and_follow(settings: DemoSettings, now: datetime) -> ApplicationView:
    """The application's view (GET /v1/applications/{number}) once it has settled."""
    deadline = asyncio.get_running_loop().time() + settings.timeout
    token = issue(organisation.token_claims(), secret=settings.jwt_secret)
    submission_id = example.new_submission_id(now)
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(base_url=settings.intake_url, headers=headers, timeout=30) as client:
        body, key = example.submission(submission_id), {"Idempotency-Key": submission_id}
        answer = await _call(client.post("/v1/applications", json=body, headers=key))
        if answer.status_code != 202:
            raise DemoError(f"intake answered {answer.status_code} to the submission: {answer.text}")
        number = answer.json()["provisional_number"]
        while True:
            view = ApplicationView.model_validate_json((await _call(client.get(f"/v1/applications/{number}"))).content)
            if settled(view):
                return view
            if asyncio.get_running_loop().time() > deadline:
                raise DemoError(f"{number} is still {view.status.value}, notices sent: {sorted(notices(view))}")
            await asyncio.sleep(POLL_SECONDS)


def settled(view: ApplicationView) -> bool:
    if view.status is ApplicationStatus.NOT_ELIGIBLE:
        return "not_eligible" in notices(view)
    return view.status not in BEFORE_AN_OUTCOME and "application_accepted" in notices(view)


def notices(view: ApplicationView) -> set[str]:
    """The kinds of the notices sent about the application, from the timeline's notes."""
    notes = (item.note or "" for item in view.timeline if item.kind == "notice_sent")
    return {note.removeprefix("notice=") for note in notes}


async def _call(request: Awaitable[httpx.Response]) -> httpx.Response:
    try:
        response = await request
    except httpx.TransportError as error:
        raise DemoError(f"intake does not answer ({type(error).__name__}): is it running (make run)?") from error
    if response.status_code == 401:
        raise DemoError(f"intake refused the token: is the secret the one intake runs with? {response.text}")
    return response

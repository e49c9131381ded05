from services.intake.domain.idempotency import (
    Conflict,
    IdempotencyRecord,
    InProgress,
    New,
    Replay,
    StoredResult,
    canonical_json,
    compare,
    fingerprint,
)

BODY = {"reason": "moved abroad", "application_id": "app-1", "extra": {"b": 1, "a": [1, "申請"]}}
PATH = "/applications/app-1/withdrawal"


def test_the_fingerprint_ignores_key_order_and_whitespace():
    reordered = {"extra": {"a": [1, "申請"], "b": 1}, "application_id": "app-1", "reason": "moved abroad"}

    assert fingerprint("POST", PATH, BODY) == fingerprint("post", PATH, reordered)
    assert canonical_json(BODY) == ('{"application_id":"app-1","extra":{"a":[1,"申請"],"b":1},"reason":"moved abroad"}')


def test_the_fingerprint_differs_by_method_path_and_body():
    base = fingerprint("POST", PATH, BODY)

    assert base != fingerprint("PUT", PATH, BODY)
    assert base != fingerprint("POST", "/applications/app-2/withdrawal", BODY)
    assert base != fingerprint("POST", PATH, {**BODY, "reason": "other"})


def test_a_first_request_is_new_and_yields_the_claim_to_store():
    assert compare(None, "key-1", "fp") == New(record=IdempotencyRecord(key="key-1", fingerprint="fp"))


def test_a_retry_of_a_finished_request_replays_the_stored_result():
    result = StoredResult(status_code=202, body={"status": "withdrawn"})
    stored = IdempotencyRecord(key="key-1", fingerprint="fp", result=result)

    assert compare(stored, "key-1", "fp") == Replay(result=result)


def test_a_retry_while_the_first_request_is_still_running_is_in_progress():
    assert compare(IdempotencyRecord(key="key-1", fingerprint="fp"), "key-1", "fp") == InProgress()


def test_reusing_a_key_for_a_different_request_is_a_conflict():
    stored = IdempotencyRecord(key="key-1", fingerprint="fp", result=StoredResult(status_code=202, body=None))

    assert compare(stored, "key-1", "other-fp") == Conflict()

"""Committed JSON Schema snapshots of every topic's payload.

A model that drifts from its snapshot fails here; regenerate with
`UPDATE_SCHEMAS=1 uv run pytest tests/unit/contracts`. A change that would break
readers of the same topic version fails even then: publish a new version instead.
"""

import json
import os
from pathlib import Path

import pytest

from contracts.topics import CATALOGUE, Topic
from tests.unit.contracts.schema_compat import incompatibilities

SNAPSHOTS = Path(__file__).resolve().parents[3] / "contracts" / "schemas"
UPDATE = os.environ.get("UPDATE_SCHEMAS") == "1"


def snapshot_path(topic: Topic) -> Path:
    return SNAPSHOTS / f"{topic.name}.json"


def generated(topic: Topic) -> dict[str, object]:
    return topic.payload.model_json_schema(mode="serialization")


@pytest.mark.parametrize("topic", CATALOGUE, ids=lambda t: t.name)
def test_each_topic_payload_matches_its_committed_schema_snapshot(topic: Topic) -> None:
    path = snapshot_path(topic)
    schema = generated(topic)
    if path.exists():
        problems = incompatibilities(json.loads(path.read_text()), schema)
        assert not problems, f"{topic.name} changed incompatibly within its version: {problems}"
    if UPDATE:
        path.write_text(json.dumps(schema, indent=2, ensure_ascii=False, sort_keys=True) + "\n")
    assert path.exists(), f"no snapshot for {topic.name}: run with UPDATE_SCHEMAS=1"
    assert json.loads(path.read_text()) == schema, f"{topic.name} drifted from its snapshot: run with UPDATE_SCHEMAS=1"


def test_every_snapshot_belongs_to_a_topic_of_the_catalogue() -> None:
    names = {snapshot_path(t).name for t in CATALOGUE}
    assert {p.name for p in SNAPSHOTS.glob("*.json")} <= names


def test_the_checker_refuses_a_removed_field_and_a_new_required_one() -> None:
    old = {"properties": {"a": {"type": "string"}, "b": {"type": "integer"}}, "required": ["a"]}
    new = {"properties": {"a": {"type": "string"}, "c": {"type": "string"}}, "required": ["a", "c"]}
    assert incompatibilities(old, new) == ["#.b: field removed", "#.c: field became required"]


def test_the_checker_accepts_a_new_optional_field_and_a_new_description() -> None:
    old = {"properties": {"a": {"type": "string"}}, "required": ["a"]}
    new = {
        "properties": {"a": {"type": "string", "description": "now documented"}, "b": {"type": "string"}},
        "required": ["a"],
    }
    assert incompatibilities(old, new) == []


def test_the_checker_accepts_a_string_narrowed_by_a_new_pattern_format_or_length() -> None:
    old = {"properties": {"a": {"type": "string"}, "b": {"anyOf": [{"type": "string"}, {"type": "null"}]}}}
    new = {
        "properties": {
            "a": {"type": "string", "pattern": "^https://", "format": "uri", "maxLength": 2048},
            "b": {"anyOf": [{"type": "string", "pattern": "^[^\\p{Cc}]*$"}, {"type": "null"}]},
        }
    }
    assert incompatibilities(old, new) == []


def test_the_checker_refuses_a_changed_pattern_and_a_new_pattern_on_a_non_string() -> None:
    old = {"properties": {"a": {"type": "string", "pattern": "^a"}, "b": {"type": "integer"}}}
    new = {"properties": {"a": {"type": "string", "pattern": "^b"}, "b": {"type": "integer", "format": "int32"}}}
    assert incompatibilities(old, new) == ["#.a: field changed shape", "#.b: field changed shape"]


def test_topic_names_carry_owner_event_and_version() -> None:
    for topic in CATALOGUE:
        owner, event, version = topic.name.split(".")
        assert event, topic.name
        assert version.startswith("v"), topic.name
        assert version[1:].isdigit(), topic.name
        assert topic.writer in (owner, f"upstream-{owner}") or topic.writer.startswith("upstream-"), topic.name

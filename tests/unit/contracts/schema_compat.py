"""Tells whether a payload's JSON Schema changed incompatibly within a topic version.

Within a version a writer may only add optional fields: every property a reader
knew must still be there with the same shape, and no field may become required.
Descriptions and titles may change freely. A string that had no `pattern`, `format`
or `maxLength` may gain one: that narrows what writers may send, and a reader of the
version gets nothing it could not get before. It is how a hole is closed within a
version (text that disguises itself, a link that is not https); the writers concerned
are told in the docs.
"""

from typing import Any

_COSMETIC = {"description", "title", "examples", "default"}
_NARROWING = {"pattern", "format", "maxLength"}


def _shape(schema: Any) -> Any:
    if isinstance(schema, dict):
        return {k: _shape(v) for k, v in schema.items() if k not in _COSMETIC}
    if isinstance(schema, list):
        return [_shape(v) for v in schema]
    return schema


def _narrowing_dropped(old: Any, new: Any) -> Any:
    """`new` less the narrowing keywords it added to a string schema of `old`."""
    if isinstance(old, dict) and isinstance(new, dict):
        added = _NARROWING - old.keys() if new.get("type") == "string" else set()
        return {k: _narrowing_dropped(old.get(k), v) for k, v in new.items() if k not in added}
    if isinstance(old, list) and isinstance(new, list) and len(old) == len(new):
        return [_narrowing_dropped(o, n) for o, n in zip(old, new, strict=True)]
    return new


def _definitions(schema: dict[str, Any]) -> dict[str, Any]:
    return {"#": schema, **{f"#/$defs/{k}": v for k, v in schema.get("$defs", {}).items()}}


def incompatibilities(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    problems: list[str] = []
    new_defs = _definitions(new)
    for where, old_def in _definitions(old).items():
        new_def = new_defs.get(where)
        if new_def is None:
            problems.append(f"{where}: definition removed")
            continue
        old_props, new_props = old_def.get("properties", {}), new_def.get("properties", {})
        for name, old_prop in old_props.items():
            if name not in new_props:
                problems.append(f"{where}.{name}: field removed")
            elif _shape(old_prop) != _shape(_narrowing_dropped(old_prop, new_props[name])):
                problems.append(f"{where}.{name}: field changed shape")
        for name in set(new_def.get("required", [])) - set(old_def.get("required", [])):
            problems.append(f"{where}.{name}: field became required")
        if "enum" in old_def and set(old_def["enum"]) - set(new_def.get("enum", [])):
            problems.append(f"{where}: enum values removed")
    return problems

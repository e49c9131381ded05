"""The two content modes of the CloudEvents Kafka binding, read into one envelope.

The binding tells them apart by the record's content-type header: a media type that
starts with `application/cloudevents` (in any case) means structured mode; anything
else, or no header, means binary mode.

- Binary: the attributes are `ce_*` headers; the value is the data, of the media type
  the content-type header names (JSON when there is none).
- Structured: the value is the whole event in the JSON event format. Attributes and
  extensions are its top-level members; the data is `data` (a JSON value) or
  `data_base64`. `ce_*` headers on such a record are ignored: the value is the event.
  Only the JSON format is read; another format (Avro, Protobuf) or a batch is refused
  rather than guessed at.

Either way the key stays the record's own key: the binding maps the user's key as it
is, and `partitionkey` is only a way for the sender to choose it.
"""

import base64
import binascii
from dataclasses import dataclass
from typing import Any, Literal

from pydantic_core import from_json, to_json

from chassis.errors import MalformedRecord
from contracts import cloudevents as ce

_READ = (*ce.REQUIRED_ATTRIBUTES, "time", "datacontenttype", ce.CORRELATION_EXTENSION)
"""The members the decoder reads from a structured event; each must be a JSON string if present."""


@dataclass(frozen=True, slots=True)
class Envelope:
    """One record's CloudEvents attributes, the media type of its data, and the data's bytes."""

    mode: Literal["binary", "structured"]
    attributes: dict[str, str]
    data_content_type: str
    data: bytes | None

    def name(self, attribute: str) -> str:
        """The attribute as the sender wrote it, for reasons: a `ce_` header or a member of the value."""
        return ce.HEADER_PREFIX + attribute if self.mode == "binary" else attribute

    @property
    def no_data(self) -> str:
        return "empty value" if self.mode == "binary" else "no data"


def media_type(content_type: str) -> str:
    """The type/subtype of a content-type, lower-cased, without its parameters (`; charset=utf-8`)."""
    return content_type.split(";", 1)[0].strip().lower()


def is_json(content_type: str) -> bool:
    media = media_type(content_type)
    return media in ("application/json", "text/json") or media.endswith("+json")


def read(headers: dict[str, str], value: bytes | None) -> Envelope:
    content_type = headers.get(ce.CONTENT_TYPE_HEADER)
    if content_type is not None and media_type(content_type).startswith(ce.CLOUDEVENTS_MEDIA_TYPE):
        return _structured(media_type(content_type), value)
    attributes = {k[len(ce.HEADER_PREFIX) :]: v for k, v in headers.items() if k.startswith(ce.HEADER_PREFIX)}
    return Envelope("binary", attributes, content_type or ce.CONTENT_TYPE, value or None)


def _structured(media: str, value: bytes | None) -> Envelope:
    if media != ce.STRUCTURED_CONTENT_TYPE:
        raise MalformedRecord(
            f"unsupported event format {media!r}: structured records must be {ce.STRUCTURED_CONTENT_TYPE}"
        )
    if not value:
        raise MalformedRecord("empty value")
    try:
        event = from_json(value)
    except ValueError as error:  # also a value nested past the parser's depth limit
        raise MalformedRecord(f"not a CloudEvent: the value is not JSON ({error})") from error
    if not isinstance(event, dict):
        raise MalformedRecord("not a CloudEvent: the value is not a JSON object")
    for name in _READ:
        if event.get(name) is not None and not isinstance(event[name], str):
            raise MalformedRecord(f"not a CloudEvent: {name} is not a string")
    attributes = {name: event[name] for name in _READ if isinstance(event.get(name), str)}
    return Envelope("structured", attributes, attributes.get("datacontenttype") or ce.CONTENT_TYPE, _data(event))


def _data(event: dict[str, Any]) -> bytes | None:
    data, encoded = event.get("data"), event.get("data_base64")
    if data is not None and encoded is not None:
        raise MalformedRecord("not a CloudEvent: both data and data_base64")
    if encoded is None:
        # Serialised again so the payload is validated exactly as a binary record's value is.
        return None if data is None else to_json(data)
    try:
        if not isinstance(encoded, str):
            raise ValueError("not a string")
        return base64.b64decode(encoded, validate=True) or None
    except (binascii.Error, ValueError) as error:
        raise MalformedRecord("not a CloudEvent: data_base64 is not base64") from error

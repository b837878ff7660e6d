"""Turning a webhook body (bytes, text or mapping) into a typed :class:`WebhookEvent`.

Parsing checks the shape only; whether IgniSign really sent the body is decided afterwards by
verification. Errors name the faulty field and never quote values: the body carries a
verification token.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, Final, TypeAlias, final

import attrs

from .._errors import APIResponseValidationError, WebhookError
from .._plain import wire_keys as plain_wire_keys
from .._serde import _describe, converter, structure, wire_name
from ..models._base import ApiEnum
from ..models.enums import AppEnv
from ..models.webhook_events import (
    ApplicationWebhookContent,
    DocumentRequestWebhookContent,
    IgnisignErrorInfo,
    SignatureImageWebhookContent,
    SignatureProfileWebhookContent,
    SignatureProofWebhookContent,
    SignatureRequestWebhookContent,
    SignatureSessionWebhookContent,
    SignatureWebhookContent,
    SignerWebhookContent,
    WebhookEvent,
)
from ..models.webhook_topics import (
    WebhookApplicationAction,
    WebhookDocumentRequestAction,
    WebhookMessageNature,
    WebhookSignatureAction,
    WebhookSignatureImageAction,
    WebhookSignatureProfileAction,
    WebhookSignatureProofAction,
    WebhookSignatureRequestAction,
    WebhookSignatureSessionAction,
    WebhookSignerAction,
    WebhookTopic,
)

__all__ = [
    "WebhookBody",
    "parse_event",
    "structure_event",
    "wire_keys",
    "TOPIC_TYPES",
    "ParsedWebhook",
]

WebhookBody: TypeAlias = bytes | bytearray | memoryview | str | Mapping[str, Any]
"""What :meth:`WebhookRouter.consume` accepts: the raw request body, or the JSON already parsed."""

MAX_TOKEN_LENGTH: Final = 512
"""The models' bound on ``verificationToken``: a longer one is malformed, never sent to the API."""

TOPIC_TYPES: Final[Mapping[WebhookTopic, tuple[type[Any], type[ApiEnum]]]] = {
    WebhookTopic.APP: (ApplicationWebhookContent, WebhookApplicationAction),
    WebhookTopic.SIGNATURE: (SignatureWebhookContent, WebhookSignatureAction),
    WebhookTopic.SIGNATURE_REQUEST: (SignatureRequestWebhookContent, WebhookSignatureRequestAction),
    WebhookTopic.SIGNER: (SignerWebhookContent, WebhookSignerAction),
    WebhookTopic.DOCUMENT_REQUEST: (DocumentRequestWebhookContent, WebhookDocumentRequestAction),
    WebhookTopic.SIGNATURE_PROFILE: (SignatureProfileWebhookContent, WebhookSignatureProfileAction),
    WebhookTopic.SIGNATURE_SESSION: (SignatureSessionWebhookContent, WebhookSignatureSessionAction),
    WebhookTopic.SIGNATURE_PROOF: (SignatureProofWebhookContent, WebhookSignatureProofAction),
    WebhookTopic.SIGNATURE_SIGNER_IMAGE: (
        SignatureImageWebhookContent,
        WebhookSignatureImageAction,
    ),
}
"""The content model and the action enum of each topic that has them (reference 9.1)."""


@final
@attrs.frozen
class ParsedWebhook:
    """A well-formed body: the event, and the token that must be checked before dispatch."""

    event: WebhookEvent
    token: str = attrs.field(repr=False)


def parse_event(body: WebhookBody) -> ParsedWebhook:
    """Parse a webhook body, or raise :class:`WebhookError` (``SDK_WEBHOOK_BAD_FORMATTED``)."""
    data = _load(body)
    token = _text(data, "verificationToken")
    if len(token) > MAX_TOKEN_LENGTH:
        raise _bad(f"field 'verificationToken' is longer than {MAX_TOKEN_LENGTH} characters")
    return ParsedWebhook(structure_event(data), token)


def structure_event(data: Mapping[str, Any]) -> WebhookEvent:
    """The event of a webhook body already parsed (its token, if any, is not looked at)."""
    app_id = _text(data, "appId")
    app_env = AppEnv(_text(data, "appEnv"))
    topic = WebhookTopic(_text(data, "topic"))
    raw_action = _text(data, "action")
    msg_nature = WebhookMessageNature(_text(data, "msgNature"))
    if "content" not in data:
        raise _bad("missing required field 'content'")
    raw_content = data["content"]
    if not isinstance(raw_content, Mapping):
        raise _bad(f"field 'content' must be a JSON object, got {_kind(raw_content)}")
    types = TOPIC_TYPES.get(topic)
    action: str
    content: Any
    if types is None:
        action, content = raw_action, raw_content
    else:
        model, action_enum = types
        action = action_enum(raw_action)
        content = _content(raw_content, model, topic)
    return WebhookEvent(
        app_id=app_id,
        app_env=app_env,
        topic=topic,
        action=action,
        msg_nature=msg_nature,
        content=content,
        error=_error(data.get("error")),
    )


def wire_keys(data: Mapping[str, Any]) -> Mapping[str, Any]:
    """An event's ``to_dict()`` form (attribute names) renamed to the body's names."""
    topic = data.get("topic")
    types = TOPIC_TYPES.get(WebhookTopic(topic)) if isinstance(topic, str) else None
    renamed: dict[str, Any] = {}
    event_type: type[Any] = WebhookEvent
    for field in attrs.fields(event_type):
        if field.name not in data:
            continue
        value = data[field.name]
        if field.name == "content" and types is not None:
            value = plain_wire_keys(value, types[0])
        elif field.name == "error":
            value = plain_wire_keys(value, IgnisignErrorInfo | None)
        renamed[wire_name(field)] = value
    return renamed


def _load(body: WebhookBody) -> Mapping[str, Any]:
    if isinstance(body, Mapping):
        return body
    if isinstance(body, (bytes, bytearray, memoryview)):
        try:
            text = bytes(body).decode("utf-8-sig")
        except UnicodeDecodeError:
            raise _bad("the body is not UTF-8 text") from None
    elif isinstance(body, str):
        text = body
    else:
        raise TypeError(f"a webhook body is bytes, str or a mapping, not {type(body).__name__}")
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        raise _bad("the body is not valid JSON") from None
    if not isinstance(data, Mapping):
        raise _bad(f"the body must be a JSON object, got {_kind(data)}")
    return data


def _text(data: Mapping[str, Any], key: str) -> str:
    if key not in data or data[key] is None:
        raise _bad(f"missing required field {key!r}")
    value = data[key]
    if not isinstance(value, str):
        raise _bad(f"field {key!r} must be a string, got {_kind(value)}")
    if not value.strip():
        raise _bad(f"field {key!r} is empty")
    return value


def _content(raw: Mapping[str, Any], model: type[Any], topic: WebhookTopic) -> Any:
    try:
        return structure(raw, model)
    except APIResponseValidationError:
        detail = _locate(raw, model, "content")
    raise _bad(f"the content of a {topic.value} event does not match {model.__name__}: {detail}")


def _error(raw: object) -> IgnisignErrorInfo | None:
    if raw is None or (isinstance(raw, Mapping) and not raw):
        return None
    if not isinstance(raw, Mapping):
        raise _bad(f"field 'error' must be a JSON object, got {_kind(raw)}")
    try:
        return structure(raw, IgnisignErrorInfo)
    except APIResponseValidationError:
        detail = _locate(raw, IgnisignErrorInfo, "error")
    raise _bad(f"field 'error' does not match IgnisignErrorInfo: {detail}")


def _locate(raw: Mapping[str, Any], model: type[Any], path: str) -> str:
    """Which field of ``raw`` keeps it from structuring as ``model`` (a slow path, errors only)."""
    for field in attrs.fields(attrs.resolve_types(model)):
        key = wire_name(field)
        where = f"{path}.{key}"
        if key not in raw:
            if field.default is attrs.NOTHING:
                return f"missing required field {where!r}"
            continue
        value = raw[key]
        try:
            converter.structure(value, field.type)
        except Exception as exc:
            inner = _nested(value, field.type, where)
            return inner or f"field {where!r}: {_describe(exc)}"
    return "invalid content"


def _nested(value: object, kind: Any, where: str) -> str | None:
    if attrs.has(kind) and isinstance(value, Mapping):
        return _locate(value, kind, where)
    args: tuple[Any, ...] = getattr(kind, "__args__", ())
    if len(args) == 2 and args[1] is Ellipsis and attrs.has(args[0]):
        if not isinstance(value, list):
            return None
        for index, item in enumerate(value):
            if not isinstance(item, Mapping):
                return f"field '{where}[{index}]' must be a JSON object, got {_kind(item)}"
            try:
                converter.structure(item, args[0])
            except Exception:
                return _locate(item, args[0], f"{where}[{index}]")
    return None


def _kind(value: object) -> str:
    if value is None:
        return "null"
    return {
        bool: "a boolean",
        int: "a number",
        float: "a number",
        str: "a string",
        list: "an array",
        dict: "an object",
    }.get(type(value), type(value).__name__)


def _bad(message: str) -> WebhookError:
    return WebhookError(f"Malformed webhook: {message}")

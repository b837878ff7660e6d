"""Models to and from plain data: ``to_dict``, ``to_json`` and ``from_dict`` on every model.

Every model (drawn from its hypothesis strategy) round-trips through its API form, its
attribute-name form and JSON text; the dicts hold JSON types only; ``from_dict`` is the
structuring of responses, so it gives what the client gives and refuses what it refuses.
"""

from __future__ import annotations

import datetime as dt
import json
import typing
from typing import Any

import attrs
import pytest
import respx
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from ignisign_async import AsyncIgnisign
from ignisign_async._serde import structure
from ignisign_async.models import (
    AppEnv,
    ByEnv,
    SignatureRequest,
    SignatureRequestContext,
    SignatureRequestStatus,
    SignerSummary,
    WebhookEvent,
    WebhookMessageNature,
    WebhookTopic,
)
from ignisign_async.models._base import Model
from ignisign_async.webhooks._parse import TOPIC_TYPES
from tests.conftest import APP_ENV, APP_ID, SECRET, make_jwt
from tests.fixtures import seed_samples
from tests.reliability._strategies import model_wire, models
from tests.webhooks.samples import event_dict

MODELS = {
    name: cls
    for name, cls in models().items()
    if typing.get_origin(cls) is None  # generic ones: through the models holding them
}
NAMES = sorted(MODELS)
QUICK = settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def _json_types_only(value: object) -> bool:
    if value is None or type(value) in (str, int, float, bool):
        return True
    if type(value) is list:
        return all(_json_types_only(item) for item in value)
    if type(value) is dict:
        return all(type(k) is str and _json_types_only(v) for k, v in value.items())
    return False


def _round_trips(model: Any) -> None:
    cls = type(model)
    wire = model.to_dict(wire=True)
    plain = model.to_dict()
    assert _json_types_only(wire)
    assert _json_types_only(plain)
    assert cls.from_dict(wire) == model
    assert cls.from_dict(plain, wire=False) == model
    assert cls.from_dict(json.loads(model.to_json(wire=True))) == model
    assert cls.from_dict(json.loads(model.to_json()), wire=False) == model


def test_every_model_has_the_conversions() -> None:
    assert len(NAMES) > 50
    for cls in MODELS.values():
        assert issubclass(cls, Model)


@pytest.mark.parametrize("name", NAMES)
@QUICK
@given(data=st.data())
def test_every_model_round_trips(name: str, data: st.DataObject) -> None:
    cls = MODELS[name]
    wire = data.draw(model_wire(cls), label="json")
    assume("nan" not in repr(wire))  # NaN (in free-form content) is kept, but never equal to itself
    _round_trips(structure(wire, cls))


def _events() -> st.SearchStrategy[dict[str, Any]]:
    def body(topic: WebhookTopic) -> st.SearchStrategy[dict[str, Any]]:
        content_model, actions = TOPIC_TYPES[topic]
        return st.fixed_dictionaries(
            {
                "appId": st.text(min_size=1, max_size=10).filter(str.strip),
                "appEnv": st.sampled_from([e.value for e in AppEnv]),
                "topic": st.just(topic.value),
                "action": st.sampled_from([a.value for a in actions]),
                "msgNature": st.sampled_from([n.value for n in WebhookMessageNature]),
                "content": model_wire(content_model),
            },
            optional={"error": st.fixed_dictionaries({}, optional={"errorCode": st.text()})},
        )

    return st.sampled_from(sorted(TOPIC_TYPES)).flatmap(body)


@QUICK
@given(body=_events())
def test_webhook_events_of_every_topic_round_trip(body: dict[str, Any]) -> None:
    event = WebhookEvent.from_dict(body)
    assert isinstance(event.content, TOPIC_TYPES[event.topic][0])
    _round_trips(event)


def test_an_event_of_an_unknown_topic_keeps_its_content_as_data() -> None:
    event = WebhookEvent.from_dict(event_dict("NEW_TOPIC", content={"x": [1, {"y": None}]}))
    assert event.content == {"x": [1, {"y": None}]}
    _round_trips(event)


REQUEST = {
    "_id": "sr1",
    "appId": APP_ID,
    "appEnv": "DEVELOPMENT",
    "status": "DRAFT",
    "signatureProfileId": "p1",
    "_createdAt": "2024-05-01T09:30:00Z",
    "documentIds": ["d1"],
}


def test_to_dict_names_and_values() -> None:
    request = SignatureRequest.from_dict(REQUEST)
    plain = request.to_dict()
    assert plain["id"] == "sr1"
    assert plain["signature_profile_id"] == "p1"
    assert plain["created_at"] == "2024-05-01T09:30:00.000Z"
    assert plain["status"] == "DRAFT"
    assert type(plain["status"]) is str
    assert plain["document_ids"] == ["d1"]
    assert plain["title"] is None  # every field is there
    wire = request.to_dict(wire=True)
    assert wire["_id"] == "sr1"
    assert wire["signatureProfileId"] == "p1"
    assert wire["_createdAt"] == "2024-05-01T09:30:00.000Z"
    assert not set(wire) & {"id", "created_at", "signature_profile_id"}
    assert json.loads(request.to_json()) == plain
    assert request.to_json(indent=2).startswith('{\n  "')


def test_unknown_enum_values_and_non_ascii_text_survive() -> None:
    context = structure(
        {**seed_samples.SIGNATURE_REQUEST_CONTEXT, "status": "ON_HOLD", "title": "Contrat é"},
        SignatureRequestContext,
    )
    assert context.status.known is False
    assert '"Contrat é"' in context.to_json()
    again = SignatureRequestContext.from_dict(json.loads(context.to_json(wire=True)))
    assert again.status == SignatureRequestStatus("ON_HOLD")
    assert again == context


def test_datetimes_keep_their_instant_and_microseconds() -> None:
    moment = dt.datetime(2024, 5, 1, 11, 30, 0, 123456, tzinfo=dt.timezone(dt.timedelta(hours=2)))
    request = attrs.evolve(SignatureRequest.from_dict(REQUEST), created_at=moment)
    assert request.to_dict()["created_at"] == "2024-05-01T09:30:00.123456Z"
    assert SignatureRequest.from_dict(request.to_dict(wire=True)).created_at == moment


def test_from_dict_refuses_the_attribute_names_where_it_reads_the_api_form() -> None:
    plain = SignerSummary(signer_id="s1").to_dict()
    with pytest.raises(ValueError, match=r"'signerId', not 'signer_id'.*wire=False"):
        SignerSummary.from_dict(plain)


def test_from_dict_errors_are_value_errors_naming_the_field() -> None:
    data = {**seed_samples.SIGNATURE_REQUEST_CONTEXT, "signers": [{"signerId": 3}]}
    where = r"SignatureRequestContext: field 'signers\[0\]\.signerId'"
    with pytest.raises(ValueError, match=where):
        SignatureRequestContext.from_dict(data)
    with pytest.raises(ValueError, match="missing required field 'signerId'"):
        SignerSummary.from_dict({"status": "ACTIVE"})
    with pytest.raises(ValueError, match=r"SignerSummary: field 'signerId'"):
        SignerSummary.from_dict({"signer_id": 3}, wire=False)
    with pytest.raises(ValueError, match="Malformed webhook: field 'appId'"):
        WebhookEvent.from_dict({**event_dict(), "appId": 5})


@pytest.mark.parametrize("data", [[], "{}", None, 3])
def test_from_dict_takes_a_mapping(data: Any) -> None:
    with pytest.raises(TypeError, match="takes a mapping"):
        SignerSummary.from_dict(data)
    with pytest.raises(TypeError, match="takes a mapping"):
        WebhookEvent.from_dict(data)


def test_generic_parts_are_read_with_their_model() -> None:
    with pytest.raises(TypeError, match="ByEnv is generic"):
        ByEnv.from_dict({"DEVELOPMENT": None})


def test_to_dict_refuses_what_is_not_json() -> None:
    event = WebhookEvent.from_dict(event_dict("NEW_TOPIC", content={"when": object()}))
    with pytest.raises(TypeError, match="object is not JSON-ready"):
        event.to_dict()


@pytest.mark.anyio
async def test_from_dict_of_a_response_body_is_what_the_client_returns() -> None:
    body = seed_samples.SIGNATURE_REQUEST_CONTEXT
    async with respx.mock(base_url="https://api.ignisign.io", assert_all_called=True) as mock:
        mock.post("/v3/auth/app-api").respond(200, json={"jwtToken": make_jwt()})
        mock.get(path__regex=r"/signature-requests/sr1/context$").respond(200, json=body)
        async with AsyncIgnisign(app_id=APP_ID, app_env=APP_ENV, secret=SECRET) as client:
            got = await client.signature_requests.get("sr1")
    assert SignatureRequestContext.from_dict(body) == got
    assert SignatureRequestContext.from_dict(got.to_dict(wire=True)) == got

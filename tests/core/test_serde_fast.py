"""The generated structuring functions give exactly what cattrs' own generator gives.

The reference is the package's converter built with models through cattrs only
(``_build(generated=False)``): the same rules, the code cattrs writes. Both must agree on every
seed sample read as every model, and on valid and hostile JSON drawn for every model: the same
objects (same types all the way down, enum members, timezones), or both refused.
"""

from __future__ import annotations

import datetime as dt
import math
import pickle
from typing import Any, final

import attrs
import cattrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ignisign_async import APIResponseValidationError
from ignisign_async._serde import _build, converter, structure, unstructure
from ignisign_async.models import (
    ApplicationContext,
    ApplicationRoles,
    ByEnv,
    SignatureRequestContext,
    SignerEvent,
    SignerInputsConstraints,
    TokenCheckResult,
    WebhookEvent,
)
from ignisign_async.models._base import model
from ignisign_async.webhooks._parse import TOPIC_TYPES
from tests.conftest import make_jwt
from tests.fixtures import seed_samples
from tests.reliability._strategies import json_values, model_wire, models
from tests.webhooks.samples import CONTENTS, event_dict

REFERENCE = _build(generated=False)
MODELS = models()
NAMES = sorted(MODELS)
REFUSED = (cattrs.BaseValidationError, TypeError, ValueError, KeyError, AttributeError)

SAMPLES: dict[str, object] = {
    name: value
    for name, value in vars(seed_samples).items()
    if name.isupper() and isinstance(value, (dict, list))
}
SAMPLES.update({f"webhook {topic}": event_dict(topic) for topic in CONTENTS})
SAMPLES.update({f"webhook content {topic}": content for topic, (_, content) in CONTENTS.items()})

PARSED_BY = {
    "HEALTH": "HealthStatus",
    "SIGNATURE_PROFILE": "SignatureProfile",
    "WEBHOOK": "WebhookEndpoint",
    "WEBHOOK_EVENTS": "WebhookEventPage",
    "TOKEN_CHECK": "TokenCheckResult",
    "APPLICATION_CONTEXT": "ApplicationContext",
    "INVITED_USER": "InvitedUser",
    "SIGNER_INPUTS_CONSTRAINTS_SEED": "SignerInputsConstraints",
    "SIGNER_INPUTS_CONSTRAINTS_SDK": "SignerInputsConstraints",
    "SIGNER_CREATED": "SignerCreated",
    "SIGNER_CONTEXT": "SignerContext",
    "SIGNERS_SEARCH": "SignerSearchResult",
    "SIGNER_AUTH_SECRET": "SignerAuthSecret",
    "SIGNER_PROFILE_STATUS": "SignerProfileStatus",
    "PUBLISH_EMBEDDED": "SignatureRequestPublished",
    "STATEMENT": "Statement",
    "DOCUMENT_REQUEST": "DocumentRequest",
    "DOCUMENT": "Document",
    "DOCUMENT_CONTEXT": "DocumentContext",
    "SIGNATURE_REQUEST_CONTEXT": "SignatureRequestContext",
    "SIGNATURE_REQUESTS_PAGE": "SignatureRequestPage",
    "SIGNATURE_REQUEST_STATUSES": "SignatureRequestStatuses",
    "AUTHENTICITY": "DocumentAuthenticity",
    "SIGNATURE": "Signature",
    "SIGNATURE_IMAGES": "SignatureImages",
    "ERROR_BODY": "IgnisignErrorInfo",
    "webhook SIGNER": "SignerEvent",
    "webhook SIGNATURE_REQUEST": "SignatureRequestEvent",
    "webhook content SIGNATURE_PROOF": "SignatureProofWebhookContent",
}


class Refused:
    """The outcome of a refused structuring."""

    def __repr__(self) -> str:
        return "<refused>"


def outcome(conv: cattrs.Converter, data: object, cls: Any) -> object:
    try:
        return conv.structure(data, cls)
    except (*REFUSED, RecursionError):
        return Refused()


def assert_same(fast: object, ref: object, where: str = "") -> None:
    """Equal, and of the same types all the way down (``==`` alone takes a str for an enum)."""
    assert type(fast) is type(ref), f"{where}: {type(fast).__name__} != {type(ref).__name__}"
    if fast is ref or isinstance(fast, Refused):
        return
    if attrs.has(type(fast)):
        for field in attrs.fields(type(fast)):
            name = field.name
            assert_same(getattr(fast, name), getattr(ref, name), f"{where}.{name}")
        assert fast == ref or _has_nan(ref)
    elif isinstance(fast, (tuple, list)):
        assert isinstance(ref, (tuple, list))
        assert len(fast) == len(ref), where
        for index, (a, b) in enumerate(zip(fast, ref, strict=True)):
            assert_same(a, b, f"{where}[{index}]")
    elif isinstance(fast, float) and math.isnan(fast):
        assert isinstance(ref, float), where
        assert math.isnan(ref), where
    elif isinstance(fast, dt.datetime):
        assert isinstance(ref, dt.datetime)
        assert (fast, fast.utcoffset()) == (ref, ref.utcoffset()), where
    else:
        assert fast == ref, where


def _has_nan(value: object) -> bool:
    if isinstance(value, float):
        return math.isnan(value)
    if attrs.has(type(value)):
        return any(_has_nan(getattr(value, f.name)) for f in attrs.fields(type(value)))
    if isinstance(value, (tuple, list)):
        return any(_has_nan(v) for v in value)
    return False


def test_every_model_gets_a_generated_function() -> None:
    for name, cls in MODELS.items():
        code = converter.get_structure_hook(cls).__code__
        assert code.co_filename.startswith("<ignisign structure "), name


@pytest.mark.parametrize("sample", sorted(PARSED_BY))
def test_seed_samples_parse_as_their_models(sample: str) -> None:
    cls = MODELS[PARSED_BY[sample]]
    fast = structure(SAMPLES[sample], cls)
    assert_same(fast, REFERENCE.structure(SAMPLES[sample], cls))
    assert_same(structure(unstructure(fast), cls), fast)


@pytest.mark.parametrize("name", NAMES)
def test_every_sample_as_every_model(name: str) -> None:
    cls = MODELS[name]
    for sample, data in SAMPLES.items():
        assert_same(outcome(converter, data, cls), outcome(REFERENCE, data, cls), sample)


AGREE = settings(
    max_examples=6,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    derandomize=True,
)


@pytest.mark.parametrize("name", NAMES)
@AGREE
@given(data=st.data())
def test_valid_and_hostile_json_give_the_same_outcome(name: str, data: st.DataObject) -> None:
    cls = MODELS[name]
    value = data.draw(
        st.one_of(model_wire(cls), model_wire(cls, hostile=True), json_values), label="json"
    )
    assert_same(outcome(converter, value, cls), outcome(REFERENCE, value, cls))


@pytest.fixture
def deep(request: pytest.FixtureRequest) -> None:
    if "slow" not in (request.config.getoption("markexpr") or ""):
        pytest.skip("200 examples per model: run with -m slow")


@pytest.mark.slow
@pytest.mark.usefixtures("deep")
@pytest.mark.parametrize("name", NAMES)
@settings(AGREE, max_examples=200, derandomize=False)
@given(data=st.data())
def test_valid_and_hostile_json_give_the_same_outcome_deep(name: str, data: st.DataObject) -> None:
    cls = MODELS[name]
    value = data.draw(
        st.one_of(model_wire(cls), model_wire(cls, hostile=True), json_values), label="json"
    )
    assert_same(outcome(converter, value, cls), outcome(REFERENCE, value, cls))


# -- the objects built ----------------------------------------------------------------------


def test_objects_are_the_models_themselves() -> None:
    context = structure(seed_samples.SIGNATURE_REQUEST_CONTEXT, SignatureRequestContext)
    assert type(context) is SignatureRequestContext
    rebuilt = SignatureRequestContext(
        **{f.alias: getattr(context, f.name) for f in attrs.fields(SignatureRequestContext)}
    )
    assert context == rebuilt
    assert hash(context) == hash(rebuilt)
    assert repr(context) == repr(rebuilt)
    assert pickle.loads(pickle.dumps(context)) == context
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        context.title = "changed"  # type: ignore[misc]
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        del context.title  # type: ignore[misc]
    assert attrs.evolve(context, title="t").title == "t"


def test_generic_models_with_their_parameters() -> None:
    context = structure(seed_samples.APPLICATION_CONTEXT, ApplicationContext)
    assert type(context.env_settings) is ByEnv
    assert context.env_settings.development is not None
    assert context.signature_profiles.development is not None
    assert context.signature_profiles.production is None
    event = structure(event_dict("SIGNER"), SignerEvent)
    assert type(event.content) is TOPIC_TYPES[event.topic][0]
    assert type(event.action) is TOPIC_TYPES[event.topic][1]


def test_generic_models_without_parameters_are_left_to_cattrs() -> None:
    for cls in (ByEnv, WebhookEvent):
        with pytest.raises(cattrs.errors.StructureHandlerNotFoundError):
            structure({}, cls)
        with pytest.raises(cattrs.errors.StructureHandlerNotFoundError):
            REFERENCE.structure({}, cls)


def test_alternative_shapes_are_rewritten_first() -> None:
    roles = structure(
        [{"DEVELOPMENT": ["ADMIN"]}, {"DEVELOPMENT": ["USER", "ADMIN"]}], ApplicationRoles
    )
    assert [r.value for r in roles.development] == ["ADMIN", "USER"]
    assert structure(["firstName"], SignerInputsConstraints).inputs_needed == ("firstName",)


# -- models that __init__ must build (test-only) ---------------------------------------------


@final
@model
class Converted:
    name: str = attrs.field(converter=str.upper)
    tags: list[str] = attrs.field(factory=list)


@final
@model
class Validated:
    size: int = attrs.field(validator=attrs.validators.ge(0))


@final
@attrs.define(kw_only=True)
class PostInit:
    label: str
    seen: bool = attrs.field(init=False, default=False)

    def __attrs_post_init__(self) -> None:
        self.seen = True


@final
@attrs.frozen(kw_only=True, slots=False)
class WithDict:
    id: str
    at: dt.datetime | None = None


@final
@model
class Node:
    name: str
    children: tuple[Node, ...] = ()


@final
@model
class Computed:
    first: str
    second: str = attrs.field(default=attrs.Factory(lambda self: self.first * 2, takes_self=True))


@pytest.mark.parametrize(
    ("cls", "data"),
    [
        (Converted, {"name": "ada"}),
        (Converted, {"name": "ada", "tags": ["x"]}),
        (Validated, {"size": 3}),
        (Validated, {"size": -1}),
        (PostInit, {"label": "x", "seen": False}),
        (WithDict, {"_id": "x", "at": "2024-03-01T10:00:00Z"}),
        (Computed, {"first": "ab"}),
        (Computed, {"first": "ab", "second": "c"}),
    ],
)
def test_models_with_more_than_fields_go_through_init(cls: Any, data: object) -> None:
    assert_same(outcome(converter, data, cls), outcome(REFERENCE, data, cls))


def test_init_extras_are_applied() -> None:
    assert structure({"name": "ada"}, Converted) == Converted(name="ADA")
    assert structure({"label": "x"}, PostInit).seen
    assert structure({"first": "ab"}, Computed).second == "abab"
    with pytest.raises(APIResponseValidationError, match="size"):
        structure({"size": -1}, Validated)


def test_a_model_that_contains_itself() -> None:
    tree = structure({"name": "a", "children": [{"name": "b", "children": [{"name": "c"}]}]}, Node)
    assert tree == Node(name="a", children=(Node(name="b", children=(Node(name="c"),)),))
    with pytest.raises(APIResponseValidationError, match=r"'children\[0\]\.children\[1\]\.name'"):
        structure(
            {"name": "a", "children": [{"name": "b", "children": [{"name": "c"}, {"name": 1}]}]},
            Node,
        )


# -- errors --------------------------------------------------------------------------------


def _context(**changes: object) -> dict[str, Any]:
    data: dict[str, Any] = {**seed_samples.SIGNATURE_REQUEST_CONTEXT, **changes}
    return data


def _message(data: object, cls: Any = SignatureRequestContext) -> str:
    with pytest.raises(APIResponseValidationError) as caught:
        structure(data, cls)
    return str(caught.value)


def test_errors_name_the_faulty_field_and_the_expected_type() -> None:
    signers = [dict(s) for s in seed_samples.SIGNATURE_REQUEST_CONTEXT["signers"]]
    signers[-1]["status"] = 3
    index = len(signers) - 1
    assert _message(_context(signers=signers)) == (
        "The response does not match SignatureRequestContext: "
        f"field 'signers[{index}].status': expected a SignerStatus string, got int"
    )
    assert "field 'title': expected str, got bool" in _message(_context(title=True))
    assert "field 'signerIds[1]': expected str, got NoneType" in _message(
        _context(signerIds=["a", None])
    )
    assert "field 'signerIds': expected a JSON array, got str" in _message(_context(signerIds="a"))
    assert "field 'signatureProfile': expected a JSON object, got list" in _message(
        _context(signatureProfile=[])
    )


def test_missing_fields_are_named_with_their_path() -> None:
    data = _context()
    del data["signatureProfileId"]
    assert _message(data).endswith("missing required field 'signatureProfileId'")
    documents = [dict(d) for d in seed_samples.SIGNATURE_REQUEST_CONTEXT["documents"]]
    documents[0]["signatureSummaries"] = [{"signerId": "s", "date": seed_samples.TS}]
    message = _message(_context(documents=documents))
    assert message.endswith(
        "missing required field 'documents[0].signatureSummaries[0].signatureId'"
    )


def test_a_model_is_read_from_a_json_object_only() -> None:
    # cattrs' generated code alone read a list or a string as a model without required fields
    for value in ([], ["isValid"], "isValid", 3, None):
        assert _message(value, TokenCheckResult).endswith(
            f"expected a JSON object, got {type(value).__name__}"
        )


def test_error_messages_never_show_tokens() -> None:
    token = make_jwt()
    with pytest.raises(APIResponseValidationError) as caught:
        structure(_context(_createdAt=token), SignatureRequestContext)
    assert "field '_createdAt'" in str(caught.value)
    assert token not in str(caught.value)
    assert caught.value.__cause__ is None


def test_datetimes_read_z_in_either_case_and_offsets() -> None:
    for text in ("2024-03-01T10:00:00Z", "2024-03-01T10:00:00z", "2024-03-01T11:00:00+01:00"):
        created = structure(_context(_createdAt=text), SignatureRequestContext).created_at
        assert created == dt.datetime(2024, 3, 1, 10, tzinfo=dt.timezone.utc)
    with pytest.raises(APIResponseValidationError, match="_createdAt"):
        structure(_context(_createdAt="2024-13-01T10:00:00Z"), SignatureRequestContext)

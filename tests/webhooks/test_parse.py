"""Webhook bodies into typed events: every topic, spelling variants, unknown values, bad input."""

from __future__ import annotations

import json
from typing import Any

import pytest

from ignisign_async import WebhookError
from ignisign_async.models.enums import AppEnv, DocumentType, SignatureRequestStatus, SignerInputRef
from ignisign_async.models.webhook_events import (
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
    WebhookSignatureRequestSigner,
)
from ignisign_async.models.webhook_topics import (
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
from ignisign_async.webhooks._parse import parse_event
from tests.conftest import APP_ID

from .samples import (
    DOC_ID,
    PROFILE_ID,
    PROOF_TOKEN,
    SESSION_TOKEN,
    SIGNATURE_ID,
    SIGNER_ID,
    SR_ID,
    TOKEN,
    USER_ID,
    event_bytes,
    event_dict,
)

EXPECTED: dict[str, tuple[object, object]] = {
    "SIGNATURE": (
        WebhookSignatureAction.FINALIZED,
        SignatureWebhookContent(
            app_id=APP_ID,
            app_env=AppEnv.DEVELOPMENT,
            document_nature=DocumentType.PDF,
            signer_id=SIGNER_ID,
            signer_external_id="crm-signer-1",
            document_id=DOC_ID,
            document_external_id="crm-doc-1",
            signature_request_id=SR_ID,
            signature_request_external_id="crm-sr-1",
            signature_id=SIGNATURE_ID,
        ),
    ),
    "SIGNATURE_REQUEST": (
        WebhookSignatureRequestAction.LAUNCHED,
        SignatureRequestWebhookContent(
            signature_request_id=SR_ID,
            status=SignatureRequestStatus.IN_PROGRESS,
            signature_request_external_id="crm-sr-1",
            signers=(
                WebhookSignatureRequestSigner(
                    signer_id=SIGNER_ID, signer_external_id="crm-signer-1", token=SESSION_TOKEN
                ),
            ),
        ),
    ),
    "SIGNER": (
        WebhookSignerAction.INPUTS_ADDED,
        SignerWebhookContent(
            app_id=APP_ID,
            app_env=AppEnv.DEVELOPMENT,
            signer_id=SIGNER_ID,
            signer_external_id="crm-signer-1",
            inputs_added=(SignerInputRef.FIRST_NAME, SignerInputRef.PHONE),
        ),
    ),
    "DOCUMENT_REQUEST": (
        WebhookDocumentRequestAction.PROVIDED,
        DocumentRequestWebhookContent(
            signature_request_id=SR_ID,
            document_id=DOC_ID,
            document_external_id="crm-doc-1",
            document_nature=DocumentType.PDF,
            mime_type="application/pdf",
        ),
    ),
    "SIGNATURE_PROFILE": (
        WebhookSignatureProfileAction.ARCHIVED,
        SignatureProfileWebhookContent(signature_profile_id=PROFILE_ID),
    ),
    "SIGNATURE_SESSION": (
        WebhookSignatureSessionAction.INITIALIZED,
        SignatureSessionWebhookContent(
            signer_id=SIGNER_ID, signature_request_id=SR_ID, signer_external_id="crm-signer-1"
        ),
    ),
    "SIGNATURE_PROOF": (
        WebhookSignatureProofAction.ADV_GENERATED,
        SignatureProofWebhookContent(
            app_id=APP_ID,
            app_env=AppEnv.DEVELOPMENT,
            document_id=DOC_ID,
            signature_request_id=SR_ID,
            signature_proof_token=PROOF_TOKEN,
            signature_proof_url="https://proofs.example/p/abc",
        ),
    ),
    "SIGNATURE_SIGNER_IMAGE": (
        WebhookSignatureImageAction.GENERATED,
        SignatureImageWebhookContent(
            app_id=APP_ID,
            app_env=AppEnv.DEVELOPMENT,
            document_id=DOC_ID,
            signature_request_id=SR_ID,
            signer_id=SIGNER_ID,
        ),
    ),
    "APP": (
        WebhookApplicationAction.MEMBERSHIP_UPDATED,
        ApplicationWebhookContent(user_id=USER_ID),
    ),
}


@pytest.mark.parametrize("topic", list(EXPECTED))
def test_each_topic_parses_into_its_content_model(topic: str) -> None:
    parsed = parse_event(event_bytes(topic))
    action, content = EXPECTED[topic]
    event = parsed.event
    assert parsed.token == TOKEN
    assert event.app_id == APP_ID
    assert event.app_env is AppEnv.DEVELOPMENT
    assert event.topic is WebhookTopic(topic)
    assert event.action is action
    assert event.msg_nature is WebhookMessageNature.INFO
    assert event.content == content
    assert type(event.content) is type(content)
    assert event.error is None


@pytest.mark.parametrize(
    ("spelling", "canonical"),
    [("APPLICATION", WebhookTopic.APP), ("SIGNATURE_IMAGE", WebhookTopic.SIGNATURE_SIGNER_IMAGE)],
)
def test_documentation_spellings_of_topics_are_normalised(
    spelling: str, canonical: WebhookTopic
) -> None:
    body = event_dict(canonical.value)
    body["topic"] = spelling
    event = parse_event(body).event
    assert event.topic is canonical
    assert type(event.content) is type(EXPECTED[canonical.value][1])


def test_unknown_topic_keeps_content_as_mapping_and_action_as_text() -> None:
    content = {"novel": [1, 2], "nested": {"a": None}}
    event = parse_event(event_dict("NEW_TOPIC", "APPEARED", content=content)).event
    assert event.topic == "NEW_TOPIC"
    assert not event.topic.known
    assert event.action == "APPEARED"
    assert type(event.action) is str
    assert event.content == content


def test_topic_without_content_model_keeps_a_mapping() -> None:
    event = parse_event(event_dict("SIGNER_AUTH", "WHATEVER", content={"k": "v"})).event
    assert event.topic is WebhookTopic.SIGNER_AUTH
    assert event.content == {"k": "v"}


def test_unknown_action_of_known_topic_still_types_the_content() -> None:
    event = parse_event(event_dict("SIGNATURE_REQUEST", "PAUSED")).event
    assert isinstance(event.action, WebhookSignatureRequestAction)
    assert event.action == "PAUSED"
    assert not event.action.known
    assert isinstance(event.content, SignatureRequestWebhookContent)


def test_unknown_enum_values_inside_content_still_parse() -> None:
    content = {"signatureRequestId": SR_ID, "status": "ON_HOLD"}
    event = parse_event(event_dict("SIGNATURE_REQUEST", content=content)).event
    assert isinstance(event.content, SignatureRequestWebhookContent)
    assert event.content.status == "ON_HOLD"
    assert event.content.signers == ()


def test_signature_request_actions_of_the_models_parse() -> None:
    for action in ("FAILED", "CHILDREN_GERENATED"):
        event = parse_event(event_dict("SIGNATURE_REQUEST", action)).event
        assert event.action is WebhookSignatureRequestAction(action)
        assert event.action.known


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (
            {"errorCode": "SIGNATURE_FAILED", "message": "m", "context": {"a": 1}},
            IgnisignErrorInfo(error_code="SIGNATURE_FAILED", message="m", context={"a": 1}),
        ),
        ({"code": "SIGNATURE_FAILED"}, IgnisignErrorInfo(error_code="SIGNATURE_FAILED")),
        ({}, None),
        (None, None),
    ],
)
def test_error_member(error: Any, expected: IgnisignErrorInfo | None) -> None:
    body = event_dict("SIGNATURE", "FAILED", msg_nature="ERROR", error=error)
    event = parse_event(body).event
    assert event.msg_nature is WebhookMessageNature.ERROR
    assert event.error == expected


@pytest.mark.parametrize(
    "body",
    [
        event_bytes(),
        event_bytes().decode(),
        bytearray(event_bytes()),
        memoryview(event_bytes()),
        b"\xef\xbb\xbf" + event_bytes(),
    ],
    ids=["bytes", "str", "bytearray", "memoryview", "utf8-bom"],
)
def test_body_types(body: Any) -> None:
    assert parse_event(body).event.content == EXPECTED["SIGNATURE_REQUEST"][1]


def test_the_token_never_shows_in_reprs() -> None:
    parsed = parse_event(event_bytes("SIGNATURE_REQUEST"))
    assert TOKEN not in repr(parsed)
    assert SESSION_TOKEN not in repr(parsed.event)
    proof = parse_event(event_bytes("SIGNATURE_PROOF")).event
    assert PROOF_TOKEN not in repr(proof)


# -- malformed bodies -----------------------------------------------------------------------


def _message(body: Any) -> str:
    with pytest.raises(WebhookError) as info:
        parse_event(body)
    assert info.value.code == "SDK_WEBHOOK_BAD_FORMATTED"
    assert TOKEN not in str(info.value)
    return str(info.value)


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        (b"{not json", "not valid JSON"),
        ("", "not valid JSON"),
        (b"\xff\xfe{}", "not UTF-8"),
        (b"[1, 2]", "must be a JSON object, got an array"),
        (b"null", "must be a JSON object, got null"),
        (b"[" * 100_000, "not valid JSON"),
    ],
    ids=["garbage", "empty", "not-utf8", "array", "null", "deep"],
)
def test_not_a_json_object(body: Any, fragment: str) -> None:
    assert fragment in _message(body)


@pytest.mark.parametrize(
    "field", ["appId", "appEnv", "verificationToken", "topic", "action", "msgNature", "content"]
)
def test_missing_required_field(field: str) -> None:
    body = event_dict()
    del body[field]
    assert f"missing required field '{field}'" in _message(body)


@pytest.mark.parametrize(
    ("field", "value", "fragment"),
    [
        ("appId", 12, "field 'appId' must be a string, got a number"),
        ("verificationToken", ["x"], "field 'verificationToken' must be a string, got an array"),
        ("verificationToken", "  ", "field 'verificationToken' is empty"),
        ("verificationToken", "t" * 513, "'verificationToken' is longer than 512 characters"),
        ("topic", True, "field 'topic' must be a string, got a boolean"),
        ("action", None, "missing required field 'action'"),
        ("msgNature", {}, "field 'msgNature' must be a string, got an object"),
        ("content", "text", "field 'content' must be a JSON object, got a string"),
        ("error", "boom", "field 'error' must be a JSON object, got a string"),
    ],
)
def test_wrong_types(field: str, value: Any, fragment: str) -> None:
    body = event_dict()
    body[field] = value
    assert fragment in _message(json.dumps(body))


def test_content_missing_a_field_names_it() -> None:
    body = event_dict("SIGNATURE_REQUEST", content={"status": "DRAFT"})
    message = _message(body)
    assert "SignatureRequestWebhookContent" in message
    assert "missing required field 'content.signatureRequestId'" in message


def test_content_with_a_mistyped_field_names_it() -> None:
    body = event_dict("SIGNATURE_PROFILE", content={"signatureProfileId": 42})
    assert "field 'content.signatureProfileId': expected str, got int" in _message(body)


def test_nested_content_error_names_the_item() -> None:
    content = {"signatureRequestId": SR_ID, "status": "DRAFT", "signers": [{"token": "t"}]}
    message = _message(event_dict("SIGNATURE_REQUEST", content=content))
    assert "missing required field 'content.signers[0].signerId'" in message


def test_mistyped_error_code_names_it() -> None:
    body = event_dict("SIGNATURE", "FAILED", error={"errorCode": 7})
    assert "field 'error.errorCode'" in _message(body)


def test_a_body_that_is_neither_text_nor_mapping_is_a_type_error() -> None:
    with pytest.raises(TypeError, match="bytes, str or a mapping"):
        parse_event(42)  # type: ignore[arg-type]

"""``client.signature_requests``: #19-#24 and S5."""

from __future__ import annotations

import datetime as dt

import pytest

from ignisign_async import AsyncIgnisign
from ignisign_async.models import (
    AppEnv,
    DiffusionMode,
    DocumentGeneratedStatus,
    DocumentRequestTarget,
    EmbeddedSigner,
    SignatureLanguage,
    SignatureRequestIdContainer,
    SignatureRequestPublished,
    SignatureRequestStatus,
    SignatureRequestStatusEntry,
    SignatureRequestStatuses,
    Statement,
    StatementTarget,
)
from tests.conftest import APP_ENV, APP_ID
from tests.fixtures import seed_samples as samples

from .conftest import E, FakeApi

REQUEST = "sr#1"
REQUEST_PATH = "/v3/signature-requests/sr%231"
SEED_TS = dt.datetime(2019, 8, 24, 14, 15, 22, tzinfo=dt.timezone.utc)
PARIS = dt.timezone(dt.timedelta(hours=2))


async def test_init(api: FakeApi, client: AsyncIgnisign) -> None:
    api.reply("POST", f"{E}/signature-requests", samples.SIGNATURE_REQUEST_ID)
    created = await client.signature_requests.init("profile-1")
    api.single().expect("POST", f"{E}/signature-requests", json={"signatureProfileId": "profile-1"})
    assert created == SignatureRequestIdContainer(signature_request_id="string")


async def test_update_sends_only_what_is_given(api: FakeApi, client: AsyncIgnisign) -> None:
    api.reply("PUT", REQUEST_PATH, samples.SIGNATURE_REQUEST_CONTEXT)
    context = await client.signature_requests.update(
        REQUEST,
        title="Lease",
        description="Flat 3B",
        expiration_date=dt.datetime(2030, 1, 2, 12, 0, tzinfo=PARIS),
        expiration_date_is_activated=True,
        language="FR",
        document_ids=["d1", "d2"],
        signer_ids=("s1",),
        external_id="crm-7",
        diffusion_mode=DiffusionMode.SCHEDULED,
        diffusion_date=dt.datetime(2029, 12, 1, 8, 30, 15, 250000, tzinfo=dt.timezone.utc),
        statements=[
            {"target": "DOCUMENT", "label_md": "I read **it**", "document_id": "d1"},
            Statement(target=StatementTarget.SIGNATURE_REQUEST, label_md="I agree"),
        ],
    )
    api.single().expect(
        "PUT",
        REQUEST_PATH,
        json={
            "title": "Lease",
            "description": "Flat 3B",
            "expirationDate": "2030-01-02T10:00:00.000Z",
            "expirationDateIsActivated": True,
            "language": "FR",
            "documentIds": ["d1", "d2"],
            "externalId": "crm-7",
            "diffusionMode": "SCHEDULED",
            "diffusionDate": "2029-12-01T08:30:15.250Z",
            "statements": [
                {
                    "target": "DOCUMENT",
                    "labelMd": "I read **it**",
                    "documentId": "d1",
                    "appId": APP_ID,
                    "appEnv": APP_ENV,
                    "signatureRequestId": REQUEST,
                },
                {
                    "target": "SIGNATURE_REQUEST",
                    "labelMd": "I agree",
                    "appId": APP_ID,
                    "appEnv": APP_ENV,
                    "signatureRequestId": REQUEST,
                },
            ],
            "signerIds": ["s1"],
        },
    )
    _check_seed_context(context)


async def test_update_with_one_field(api: FakeApi, client: AsyncIgnisign) -> None:
    api.reply("PUT", REQUEST_PATH, samples.SIGNATURE_REQUEST_CONTEXT)
    await client.signature_requests.update(REQUEST, title="Only this")
    api.single().expect("PUT", REQUEST_PATH, json={"title": "Only this"})


async def test_publish_posts_an_empty_object(api: FakeApi, client: AsyncIgnisign) -> None:
    api.reply("POST", f"{REQUEST_PATH}/publish", samples.SIGNATURE_REQUEST_ID)
    published = await client.signature_requests.publish(REQUEST)
    api.single().expect("POST", f"{REQUEST_PATH}/publish", json={})
    assert published == SignatureRequestPublished(signature_request_id="string", signers=())


async def test_publish_embedded_gives_session_tokens(api: FakeApi, client: AsyncIgnisign) -> None:
    """Reference 12.5: the Node SDK's type adds ``signers`` for embedded profiles."""
    api.reply("POST", f"{REQUEST_PATH}/publish", samples.PUBLISH_EMBEDDED)
    published = await client.signature_requests.publish(REQUEST)
    assert published.signers == (
        EmbeddedSigner(signer_id="string", signer_external_id="string", token="string"),
    )
    assert "token" not in repr(published)


async def test_close(api: FakeApi, client: AsyncIgnisign) -> None:
    api.reply("POST", f"{REQUEST_PATH}/close", samples.SIGNATURE_REQUEST_ID)
    closed = await client.signature_requests.close(REQUEST)
    api.single().expect("POST", f"{REQUEST_PATH}/close", json={})
    assert closed == SignatureRequestIdContainer(signature_request_id="string")


async def test_get_context(api: FakeApi, client: AsyncIgnisign) -> None:
    api.reply("GET", f"{REQUEST_PATH}/context", samples.SIGNATURE_REQUEST_CONTEXT)
    context = await client.signature_requests.get(REQUEST)
    api.single().expect("GET", f"{REQUEST_PATH}/context")
    _check_seed_context(context)


async def test_list_one_page(api: FakeApi, client: AsyncIgnisign) -> None:
    api.reply("GET", f"{E}/signature-requests", samples.SIGNATURE_REQUESTS_PAGE)
    page = await client.signature_requests.list(page=2)
    api.single().expect("GET", f"{E}/signature-requests", query=[("page", "2")])
    (request,) = page.items
    assert request.id == "string"
    assert request.status is SignatureRequestStatus.IN_PROGRESS
    assert request.document_ids == ("string",)
    assert request.created_at == SEED_TS
    assert request.doc_label == "Lease"
    assert (page.total, page.page, page.pagination_data.nb_events_per_page) == (1, 1, 20)


async def test_statuses_is_a_post_of_ids(api: FakeApi, client: AsyncIgnisign) -> None:
    api.reply("POST", f"{E}/signature-requests/status", samples.SIGNATURE_REQUEST_STATUSES)
    result = await client.signature_requests.statuses(["sr-1", "sr-2"])
    api.single().expect(
        "POST", f"{E}/signature-requests/status", json={"signatureRequestIds": ["sr-1", "sr-2"]}
    )
    assert result == SignatureRequestStatuses(
        signature_requests=(
            SignatureRequestStatusEntry(
                signature_request_id="sr-1", status=SignatureRequestStatus.DRAFT
            ),
            SignatureRequestStatusEntry(
                signature_request_id="sr-2", status=SignatureRequestStatus.COMPLETED
            ),
        )
    )
    assert result.items[1].status.is_closed


async def test_statuses_is_replayed_after_a_server_error(
    api: FakeApi, client: AsyncIgnisign
) -> None:
    """A read, although a POST: safe to retry."""
    path = f"{E}/signature-requests/status"
    api.reply("POST", path, {"message": "down"}, status=503, headers={"retry-after": "0"})
    api.reply("POST", path, samples.SIGNATURE_REQUEST_STATUSES)
    result = await client.with_options(max_retries=1).signature_requests.statuses(["sr-1"])
    assert len(result.items) == 2
    assert [s.json for s in api.sent] == [{"signatureRequestIds": ["sr-1"]}] * 2


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"expiration_date": dt.datetime(2030, 1, 1)}, ValueError),
        ({"diffusion_date": dt.datetime(2030, 1, 1)}, ValueError),
        ({"expiration_date": dt.date(2030, 1, 1)}, TypeError),
        ({"expiration_date": "2030-01-01T00:00:00Z"}, TypeError),
        ({"language": "ES"}, ValueError),
        ({"diffusion_mode": "LATER"}, ValueError),
        ({"document_ids": "d1"}, TypeError),
        ({"signer_ids": [1, 2]}, TypeError),
        ({"expiration_date_is_activated": "yes"}, TypeError),
        ({"statements": {"target": "DOCUMENT", "label_md": "x"}}, TypeError),
        ({"statements": [{"target": "DOCUMENT", "label_md": "no document id"}]}, ValueError),
        ({"statements": [{"target": "EVERYTHING", "label_md": "x"}]}, ValueError),
        ({"statements": [{"target": "DOCUMENT", "label": "x"}]}, TypeError),
        ({"statements": [{"label_md": "no target"}]}, TypeError),
    ],
)
async def test_bad_arguments_are_refused_before_any_request(
    api: FakeApi, client: AsyncIgnisign, kwargs: dict[str, object], error: type[Exception]
) -> None:
    with pytest.raises(error):
        await client.signature_requests.update(REQUEST, **kwargs)  # type: ignore[arg-type]
    assert api.sent == []


def _check_seed_context(context: object) -> None:
    from ignisign_async.models import SignatureRequestContext

    assert isinstance(context, SignatureRequestContext)
    assert context.id == "string"
    assert context.app_env is AppEnv.DEVELOPMENT
    assert context.status is SignatureRequestStatus.DRAFT
    assert context.language is SignatureLanguage.EN
    assert context.expiration_date == SEED_TS
    assert context.diffusion_mode is DiffusionMode.WHEN_READY
    assert context.is_fake_sms is True
    assert context.template_displayer_version == 0
    assert context.signers[0].signer_id == "string"
    document = context.documents[0]
    assert document.signature_summaries[0].date == SEED_TS
    assert document.document_request is not None
    assert document.document_request.target is DocumentRequestTarget.USER
    assert context.statements[0].target is StatementTarget.DOCUMENT
    assert context.statements[0].label_md == "I have read the **terms**"
    assert context.signature_profile.id == "string"
    assert context.application_metadata is not None
    assert context.application_metadata.colors is not None
    assert context.application_metadata.colors.secondary.shade_50 == "#e3f2fd"
    assert context.signature_proof_status is DocumentGeneratedStatus.NOT_INITIALIZED

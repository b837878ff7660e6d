"""``client.signers``: #8-#16, S1 and S2."""

from __future__ import annotations

import datetime as dt

import pytest

from ignisign_async import AsyncIgnisign, InternalServerError
from ignisign_async.models import (
    AppEnv,
    IdProofingMethodRef,
    SignatureRequestStatus,
    SignerAuthSecret,
    SignerClaim,
    SignerClaimRef,
    SignerClaimStatus,
    SignerCreated,
    SignerEntityType,
    SignerIdContainer,
    SignerInputRef,
    SignerInputsConstraints,
    SignerProfileStatus,
    SignerSearchResult,
    SignerStatus,
    SignerSummary,
)
from tests.fixtures import seed_samples as samples

from .conftest import E, FakeApi

SIGNER = "signer/1"
SIGNER_ENC = "signer%2F1"
PROFILE = "profile 1"
PROFILE_ENC = "profile%201"

SEED_SUMMARY = SignerSummary(
    signer_id="string",
    external_id="string",
    first_name="string",
    last_name="string",
    email="string",
    status=SignerStatus.CREATED,
    already_provided_inputs=(SignerInputRef.FIRST_NAME, SignerInputRef.EMAIL),
)
SEED_CREATED = SignerCreated(
    signer_id="string", entity_type=SignerEntityType.NATURAL, auth_secret="string"
)


async def test_inputs_constraints(api: FakeApi, client: AsyncIgnisign) -> None:
    path = f"{E}/signature-profiles/{PROFILE_ENC}/signer-inputs-constraints"
    api.reply("GET", path, samples.SIGNER_INPUTS_CONSTRAINTS_SDK)
    constraints = await client.signers.inputs_constraints(PROFILE)
    api.single().expect("GET", path)
    assert constraints == SignerInputsConstraints(
        inputs_needed=(SignerInputRef.FIRST_NAME, SignerInputRef.LAST_NAME, SignerInputRef.EMAIL)
    )


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        (samples.SIGNER_INPUTS_CONSTRAINTS_SEED, ()),
        (["phoneNumber", "email"], (SignerInputRef.PHONE, SignerInputRef.EMAIL)),
        (
            [{"inputsNeeded": ["email"]}, {"inputsNeeded": ["email", "birthDate"]}],
            (SignerInputRef.EMAIL, SignerInputRef.BIRTH_DATE),
        ),
    ],
)
async def test_inputs_constraints_read_the_array_shapes_too(
    api: FakeApi, client: AsyncIgnisign, answer: object, expected: tuple[SignerInputRef, ...]
) -> None:
    """Reference 12.3: the vendor documentation shows an array."""
    path = f"{E}/signature-profiles/{PROFILE_ENC}/signer-inputs-constraints"
    api.reply("GET", path, answer)
    constraints = await client.signers.inputs_constraints(PROFILE)
    assert constraints.inputs_needed == expected


async def test_missing_inputs_always_sends_for_recurrent(
    api: FakeApi, client: AsyncIgnisign
) -> None:
    path = f"{E}/signature-profiles/{PROFILE_ENC}/signers/{SIGNER_ENC}/missing-inputs"
    api.reply("GET", path, samples.MISSING_INPUTS)
    missing = await client.signers.missing_inputs(SIGNER, PROFILE)
    api.single().expect("GET", path, query=[("forRecurrent", "false")])
    assert missing == [SignerInputRef.FIRST_NAME]


async def test_missing_inputs_for_recurrent(api: FakeApi, client: AsyncIgnisign) -> None:
    path = f"{E}/signature-profiles/{PROFILE_ENC}/signers/{SIGNER_ENC}/missing-inputs"
    api.reply("GET", path, [])
    assert await client.signers.missing_inputs(SIGNER, PROFILE, for_recurrent=True) == []
    api.single().expect("GET", path, query=[("forRecurrent", "true")])


async def test_status_always_sends_force_recurrent(api: FakeApi, client: AsyncIgnisign) -> None:
    path = f"{E}/signature-profiles/{PROFILE_ENC}/signers/{SIGNER_ENC}/status"
    api.reply("GET", path, samples.SIGNER_PROFILE_STATUS)
    status = await client.signers.status(SIGNER, PROFILE, force_recurrent=True)
    api.single().expect("GET", path, query=[("forceRecurrent", "true")])
    assert status == SignerProfileStatus(
        signer_is_setup=False,
        inputs_needed=(SignerInputRef.PHONE,),
        id_proofing_refs=(IdProofingMethodRef.E_ID_AES,),
    )


async def test_create_sends_only_the_inputs_given(api: FakeApi, client: AsyncIgnisign) -> None:
    api.reply("POST", f"{E}/signers", samples.SIGNER_CREATED)
    created = await client.signers.create(
        signature_profile_id=PROFILE,
        first_name="Ada",
        last_name="Lovelace",
        email="ada@example.com",
        phone_number="+447700900123",
        nationality="gb",
        birth_date=dt.date(1815, 12, 10),
        birth_place="London",
        birth_country="GB",
        external_id="crm-42",
    )
    api.single().expect(
        "POST",
        f"{E}/signers",
        json={
            "signatureProfileId": PROFILE,
            "externalId": "crm-42",
            "firstName": "Ada",
            "lastName": "Lovelace",
            "email": "ada@example.com",
            "phoneNumber": "+447700900123",
            "nationality": "GB",
            "birthDate": "1815-12-10",
            "birthPlace": "London",
            "birthCountry": "GB",
        },
    )
    assert created == SEED_CREATED
    assert "auth_secret" not in repr(created)


async def test_create_with_the_profile_only(api: FakeApi, client: AsyncIgnisign) -> None:
    api.reply("POST", f"{E}/signers", samples.SIGNER_CREATED)
    await client.signers.create(signature_profile_id=PROFILE)
    api.single().expect("POST", f"{E}/signers", json={"signatureProfileId": PROFILE})


async def test_get_with_details(api: FakeApi, client: AsyncIgnisign) -> None:
    api.reply("GET", f"{E}/signers/{SIGNER_ENC}/details", samples.SIGNER_CONTEXT)
    context = await client.signers.get(SIGNER)
    api.single().expect("GET", f"{E}/signers/{SIGNER_ENC}/details")
    assert context.signer_id == "string"
    assert context.status is SignerStatus.CREATED
    assert context.already_provided_inputs == ()
    assert context.claims == (
        SignerClaim(claim_ref=SignerClaimRef.EMAIL_POSSESSION, status=SignerClaimStatus.DECLARED),
    )
    (latest,) = context.latest_signature_requests
    assert latest.status is SignatureRequestStatus.IN_PROGRESS
    assert latest.app_env is AppEnv.DEVELOPMENT
    assert (latest.doc_file_name, latest.doc_label) == ("lease.pdf", "Lease")


async def test_summary(api: FakeApi, client: AsyncIgnisign) -> None:
    api.reply("GET", f"{E}/signers/{SIGNER_ENC}", samples.SIGNER_SUMMARY)
    summary = await client.signers.summary(SIGNER)
    api.single().expect("GET", f"{E}/signers/{SIGNER_ENC}")
    assert summary == SEED_SUMMARY


async def test_update_sends_the_signer_id_in_the_body(api: FakeApi, client: AsyncIgnisign) -> None:
    api.reply("PUT", f"{E}/signers/{SIGNER_ENC}", samples.SIGNER_CREATED)
    updated = await client.signers.update(
        SIGNER, signature_profile_id=PROFILE, phone_number="+33612345678"
    )
    api.single().expect(
        "PUT",
        f"{E}/signers/{SIGNER_ENC}",
        json={"signerId": SIGNER, "signatureProfileId": PROFILE, "phoneNumber": "+33612345678"},
    )
    assert updated == SEED_CREATED


async def test_revoke(api: FakeApi, client: AsyncIgnisign) -> None:
    api.reply("DELETE", f"{E}/signers/{SIGNER_ENC}/revoke", samples.SIGNER_ID)
    revoked = await client.signers.revoke(SIGNER)
    api.single().expect("DELETE", f"{E}/signers/{SIGNER_ENC}/revoke")
    assert revoked == SignerIdContainer(signer_id="string")


async def test_regenerate_auth_secret(api: FakeApi, client: AsyncIgnisign) -> None:
    path = f"{E}/signers/{SIGNER_ENC}/regenerate-auth-secret"
    api.reply("PUT", path, samples.SIGNER_AUTH_SECRET)
    secret = await client.signers.regenerate_auth_secret(SIGNER)
    api.single().expect("PUT", path, json={})
    assert secret == SignerAuthSecret(auth_secret="string")
    assert "string" not in repr(secret)


async def test_regenerate_auth_secret_is_never_replayed(
    api: FakeApi, client: AsyncIgnisign
) -> None:
    """A replay would replace the secret the first call returned."""
    path = f"{E}/signers/{SIGNER_ENC}/regenerate-auth-secret"
    api.reply("PUT", path, {"message": "busy"}, status=503)
    api.reply("PUT", path, samples.SIGNER_AUTH_SECRET)
    patient = client.with_options(max_retries=3)
    with pytest.raises(InternalServerError):
        await patient.signers.regenerate_auth_secret(SIGNER)
    assert len(api.sent) == 1


async def test_search_is_a_get_with_a_filter(api: FakeApi, client: AsyncIgnisign) -> None:
    api.reply("GET", f"{E}/signers-search", samples.SIGNERS_SEARCH)
    result = await client.signers.search("ada lovelace")
    api.single().expect("GET", f"{E}/signers-search", query=[("filter", "ada lovelace")])
    assert result == SignerSearchResult(signers=(SEED_SUMMARY,), total=1)
    assert result.items == (SEED_SUMMARY,)


async def test_list_one_page(api: FakeApi, client: AsyncIgnisign) -> None:
    api.reply("GET", f"{E}/signers-paginate", samples.SIGNERS_SEARCH)
    page = await client.signers.list(page=3)
    api.single().expect("GET", f"{E}/signers-paginate", query=[("page", "3")])
    assert page.items == (SEED_SUMMARY,)
    assert page.total == 1


async def test_list_defaults_to_the_first_page(api: FakeApi, client: AsyncIgnisign) -> None:
    api.reply("GET", f"{E}/signers-paginate", samples.SIGNERS_SEARCH)
    await client.signers.list()
    api.single().expect("GET", f"{E}/signers-paginate", query=[("page", "1")])


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"nationality": "XX"}, ValueError),
        ({"birth_country": "France"}, ValueError),
        ({"nationality": 33}, TypeError),
        ({"birth_date": "1815-12-10"}, TypeError),
        ({"birth_date": dt.datetime(1815, 12, 10, tzinfo=dt.timezone.utc)}, TypeError),
    ],
)
async def test_bad_inputs_are_refused_before_any_request(
    api: FakeApi, client: AsyncIgnisign, kwargs: dict[str, object], error: type[Exception]
) -> None:
    with pytest.raises(error):
        await client.signers.create(signature_profile_id=PROFILE, **kwargs)  # type: ignore[arg-type]
    assert api.sent == []


@pytest.mark.parametrize("page", [0, -1, True, "2"])
async def test_bad_page_numbers_are_refused(
    api: FakeApi, client: AsyncIgnisign, page: object
) -> None:
    with pytest.raises((ValueError, TypeError)):
        await client.signers.list(page=page)  # type: ignore[arg-type]
    assert api.sent == []


async def test_flags_must_be_booleans(api: FakeApi, client: AsyncIgnisign) -> None:
    with pytest.raises(TypeError):
        await client.signers.missing_inputs(SIGNER, PROFILE, for_recurrent="false")  # type: ignore[arg-type]
    assert api.sent == []

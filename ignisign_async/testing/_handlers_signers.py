"""Signers (#8-#16, S1, S2; lifecycle reference 10.4).

A signer is created ``CREATED`` with the inputs its profile needs (else 400
``SIGNER_CREATION__INPUT_FIELD_MISSING``); it becomes ``PENDING`` when a request it is in is
launched, ``ACTIVE`` once it signed, ``BLOCKED`` when revoked. Updates may add inputs, not
change them. Creation emits ``SIGNER``/``CREATED`` (with the signer's ``authSecret`` when its
profile is embedded: the vendor's docs send the secret "by webhook mechanism and in the response");
an update that adds inputs, ``SIGNER``/``INPUTS_ADDED``.
"""

from __future__ import annotations

import secrets
from typing import Any, Final

from ._dtos import (
    FOR_RECURRENT_QUERY,
    FORCE_RECURRENT_QUERY,
    PAGE_QUERY,
    SEARCH_QUERY,
    SIGNER_CREATE,
    SIGNER_INPUTS,
    SIGNER_UPDATE,
)
from ._http import FakeError
from ._routing import Call, E, Routes
from ._schema import Phone, Str, check_field
from ._state import Profile, Signer, State
from ._views import signer_context, signer_summary

__all__ = ["routes"]

routes = Routes()

_INPUT: Final = "SIGNER_CREATION__INPUT_FIELD_"


def _profile_for_signer(state: State, profile_id: str | None) -> Profile | None:
    if profile_id is None:
        return None
    profile = state.profile(profile_id)
    if profile.archived:
        raise FakeError(
            "SIGNER_CREATION__SIGNATURE_PROFILE_ARCHIVED",
            f"Signature profile {profile.id} is archived",
        )
    return profile


_PHONE: Final = Phone()
_NON_EMPTY: Final = Str(non_empty=True)


def _inputs(body: dict[str, Any], profile: Profile | None) -> dict[str, str]:
    """The signer inputs of ``body``; a profile that needs the phone wants it in E.164 form."""
    inputs: dict[str, str] = {k: body[k] for k in SIGNER_INPUTS if k in body}
    if "phoneNumber" in inputs and profile is not None and "phoneNumber" in profile.inputs:
        check_field(_PHONE, "phoneNumber", inputs["phoneNumber"], code=_INPUT + "VALUE_INVALID")
    for key, value in inputs.items():
        check_field(_NON_EMPTY, key, value, code=_INPUT + "VALUE_MISSING")
    return inputs


def _check_inputs(profile: Profile | None, inputs: dict[str, str]) -> None:
    if profile is None:
        return
    missing = [i for i in profile.inputs if i not in inputs]
    if missing:
        raise FakeError(
            "SIGNER_CREATION__INPUT_FIELD_MISSING",
            f"The signature profile needs: {', '.join(missing)}",
            context={"missingInputs": missing, "signatureProfileId": profile.id},
        )


def _creation_answer(signer: Signer, *, with_secret: bool) -> dict[str, Any]:
    answer: dict[str, Any] = {"signerId": signer.id, "entityType": "NATURAL"}
    if with_secret and signer.auth_secret is not None:
        answer["authSecret"] = signer.auth_secret
    return answer


def _signer_content(state: State, signer: Signer) -> dict[str, Any]:
    content: dict[str, Any] = {
        "appId": state.config.app_id,
        "appEnv": state.config.app_env,
        "signerId": signer.id,
    }
    if signer.external_id is not None:
        content["signerExternalId"] = signer.external_id
    return content


@routes.post(f"{E}/signers", body=SIGNER_CREATE)
def create_signer(call: Call) -> object:
    state, body = call.state, call.body
    profile = _profile_for_signer(state, body.get("signatureProfileId"))
    inputs = _inputs(body, profile)
    _check_inputs(profile, inputs)
    signer = Signer(
        id=state.new_id(),
        created_at=state.now_iso(),
        profile_id=None if profile is None else profile.id,
        external_id=body.get("externalId"),
        is_recurrent=body.get("isRecurrent"),
        inputs=inputs,
        auth_secret=secrets.token_urlsafe(24),
    )
    state.signers[signer.id] = signer
    embedded = profile is not None and profile.embedded
    content = _signer_content(state, signer)
    if embedded and signer.auth_secret is not None:
        content["authSecret"] = signer.auth_secret  # the docs: "sent to the application by Webhook"
    state.hub.emit("SIGNER", "CREATED", content)
    return _creation_answer(signer, with_secret=embedded)


@routes.put(f"{E}/signers/{{signerId}}", body=SIGNER_UPDATE)
def update_signer(call: Call) -> object:
    state, body = call.state, call.body
    signer = state.signer(call.params["signerId"])
    if body.get("signerId", signer.id) != signer.id:
        raise FakeError(
            "BODY_VALIDATION_FAILED",
            "signerId in the body differs from the path",
            context={"errors": [{"property": "signerId", "message": "must match the path"}]},
        )
    if signer.status == "BLOCKED":
        raise FakeError("SIGNER_BAD_STATUS", f"Signer {signer.id} is revoked")
    profile = _profile_for_signer(state, body.get("signatureProfileId"))
    known = profile or state.profiles.get(signer.profile_id or "")
    inputs = _inputs(body, known)
    for key, value in inputs.items():
        if key in signer.inputs and signer.inputs[key] != value:
            raise FakeError(
                "SIGNER_CREATION__INPUT_FIELD_VALUE_INVALID",
                f"{key} is already set; inputs can only be added",
                context={"field": key},
            )
    merged = {**signer.inputs, **inputs}
    _check_inputs(profile, merged)
    added = [k for k in inputs if k not in signer.inputs]
    signer.inputs = merged
    if "externalId" in body:
        signer.external_id = body["externalId"]
    if "isRecurrent" in body:
        signer.is_recurrent = body["isRecurrent"]
    if added:
        content = {**_signer_content(state, signer), "inputsAdded": added}
        state.hub.emit("SIGNER", "INPUTS_ADDED", content)
    return _creation_answer(signer, with_secret=False)


@routes.get(f"{E}/signers/{{signerId}}")
def signer_summary_route(call: Call) -> object:
    return signer_summary(call.state.signer(call.params["signerId"]))


@routes.get(f"{E}/signers/{{signerId}}/details")
def signer_details(call: Call) -> object:
    return signer_context(call.state, call.state.signer(call.params["signerId"]))


@routes.delete(f"{E}/signers/{{signerId}}/revoke")
def revoke_signer(call: Call) -> object:
    signer = call.state.signer(call.params["signerId"])
    signer.status = "BLOCKED"
    return {"signerId": signer.id}


@routes.put(f"{E}/signers/{{signerId}}/regenerate-auth-secret")
def regenerate_auth_secret(call: Call) -> object:
    signer = call.state.signer(call.params["signerId"])
    if signer.status == "BLOCKED":
        raise FakeError("SIGNER_BAD_STATUS", f"Signer {signer.id} is revoked")
    signer.auth_secret = secrets.token_urlsafe(24)
    return {"authSecret": signer.auth_secret}


def _missing(call: Call) -> list[str]:
    profile = call.state.profile(call.params["signatureProfileId"])
    signer = call.state.signer(call.params["signerId"])
    return [i for i in profile.inputs if i not in signer.inputs]


@routes.get(
    f"{E}/signature-profiles/{{signatureProfileId}}/signers/{{signerId}}/missing-inputs",
    query=FOR_RECURRENT_QUERY,
)
def missing_inputs(call: Call) -> object:
    return _missing(call)


@routes.get(
    f"{E}/signature-profiles/{{signatureProfileId}}/signers/{{signerId}}/status",
    query=FORCE_RECURRENT_QUERY,
)
def signer_status(call: Call) -> object:
    missing = _missing(call)
    profile = call.state.profile(call.params["signatureProfileId"])
    return {
        "signerIsSetup": not missing,
        "inputsNeeded": missing,
        "idProofingRefs": [] if not missing else list(profile.wire["idProofings"]),
    }


def _matches(signer: Signer, needle: str) -> bool:
    haystack = [signer.id, signer.external_id or "", *signer.inputs.values()]
    return any(needle in value.lower() for value in haystack)


@routes.get(f"{E}/signers-search", query=SEARCH_QUERY)
def search_signers(call: Call) -> object:
    needle = str(call.query.get("filter", "")).strip().lower()
    found = [s for s in call.state.signers.values() if not needle or _matches(s, needle)]
    return {"signers": [signer_summary(s) for s in found], "total": len(found)}


@routes.get(f"{E}/signers-paginate", query=PAGE_QUERY)
def paginate_signers(call: Call) -> object:
    signers = list(call.state.signers.values())
    chunk, _ = call.state.page(signers, call.query.get("page"))
    return {"signers": [signer_summary(s) for s in chunk], "total": len(signers)}

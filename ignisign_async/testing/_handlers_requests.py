"""Signature requests (#19-#24, S5): init, list, update (DRAFT only), publish, close, context."""

from __future__ import annotations

from typing import Any, Final

from . import _events, _transitions
from ._dtos import PAGE_QUERY, PROFILE_ID, SR_IDS, SR_UPDATE
from ._http import FakeError
from ._routing import Call, E, Routes
from ._state import Profile, SignatureRequest, State
from ._views import request_context, request_with_doc_name

__all__ = ["routes"]

routes = Routes()

_MISMATCH: Final = "SIGNATURE_REQUEST_DTO_NOT_MATCH_WITH_SIGNATURE_PROFILE__"
_UPDATE_SIGNER: Final = "CANNOT_UPDATE_SIGNATURE_REQUEST__"


@routes.post(f"{E}/signature-requests", body=PROFILE_ID)
def init_request(call: Call) -> object:
    state = call.state
    profile = state.profile(call.body["signatureProfileId"])
    if profile.archived:
        raise FakeError("SIGNATURE_PROFILE_ARCHIVED", f"Signature profile {profile.id} is archived")
    sr = SignatureRequest(
        id=state.new_id(),
        created_at=state.now_iso(),
        profile_id=profile.id,
        fields={"language": profile.wire["defaultLanguage"]},
    )
    state.requests[sr.id] = sr
    _events.emit_request(state, sr, "INITIALIZED")
    return {"signatureRequestId": sr.id}


@routes.get(f"{E}/signature-requests", query=PAGE_QUERY)
def list_requests(call: Call) -> object:
    state = call.state
    newest_first = list(reversed(state.requests.values()))
    chunk, pagination = state.page(newest_first, call.query.get("page"))
    return {
        "signatureRequests": [request_with_doc_name(state, sr) for sr in chunk],
        "paginationData": pagination,
    }


@routes.post(f"{E}/signature-requests/status", body=SR_IDS)
def request_statuses(call: Call) -> object:
    state = call.state
    found = [state.requests[i] for i in call.body["signatureRequestIds"] if i in state.requests]
    return {"signatureRequests": [{"signatureRequestId": s.id, "status": s.status} for s in found]}


def _check_profile_rules(
    state: State, sr: SignatureRequest, profile: Profile, body: dict[str, Any]
) -> None:
    wire = profile.wire
    if body.get("statements") and not wire["statementsEnabled"]:
        raise FakeError(_MISMATCH + "STATEMENTS_NOT_ALLOWED", "The profile has no statements")
    language = body.get("language")
    if language and language != wire["defaultLanguage"] and not wire["languageCanBeChanged"]:
        raise FakeError(
            _MISMATCH + "LANGUAGE_CANNOT_BE_CHANGED", "The profile's language cannot be changed"
        )
    if body.get("extendedAuthSessionEnabled") and not wire["extendedAuthSessionEnabled"]:
        raise FakeError(
            _MISMATCH + "EXTENDED_AUTH_SESSION_NOT_ALLOWED",
            "The profile does not allow extended auth sessions",
        )
    for document_id in body.get("documentIds", ()):
        doc = state.document(document_id)
        if doc.signature_request_id != sr.id:
            raise FakeError(
                "INVALID_SIGNATURE_REQUEST",
                f"Document {doc.id} belongs to another signature request",
                context={"documentId": doc.id},
            )
        if doc.nature is not None and doc.nature not in wire["documentTypes"]:
            raise FakeError(
                _MISMATCH + "DOCUMENT_TYPES_USED_NOT_INCLUDED_IN_SIGNATURE_PROFILE",
                f"{doc.nature} documents are not allowed by the profile",
                context={"documentId": doc.id, "documentNature": doc.nature},
            )
    for signer_id in body.get("signerIds", ()):
        signer = state.signer(signer_id)
        if signer.status == "BLOCKED":
            raise FakeError("SIGNER_BAD_STATUS", f"Signer {signer.id} is revoked")
        missing = [i for i in profile.inputs if i not in signer.inputs]
        if "firstName" in missing or "lastName" in missing:
            code = _UPDATE_SIGNER + (
                "FIRSTNAME_AND_LASTNAME_ARE_MANDARYTORY_FOR_ALL_SIGNER_WITH_THE_SIGNATURE"
                "_PROFILE_REQUESTED"
            )
        elif "email" in missing:
            code = (
                _UPDATE_SIGNER
                + "EMAIL_IS_MANDATORY_FOR_ALL_SIGNERS_FOR_THE_SIGNATURE_PROFILE_REQUESTED"
            )
        elif "phoneNumber" in missing:
            code = (
                _UPDATE_SIGNER
                + "PHONE_NUMBER_IS_MANDATORY_FOR_ALL_SIGNERS_FOR_THE_SIGNATURE_PROFILE_REQUESTED"
            )
        elif missing:
            code = "SIGNER_MISING_CLAIMS"
        else:
            continue
        raise FakeError(
            code,
            f"Signer {signer.id} lacks inputs the profile needs",
            context={"signerId": signer.id, "missingInputs": missing},
        )


def _statement(state: State, sr: SignatureRequest, given: dict[str, Any]) -> dict[str, Any]:
    return {
        "_id": state.new_id(),
        **given,
        "appId": state.config.app_id,
        "appEnv": state.config.app_env,
        "signatureRequestId": sr.id,
    }


@routes.put("/v3/signature-requests/{signatureRequestId}", body=SR_UPDATE)
def update_request(call: Call) -> object:
    state, body = call.state, call.body
    sr = state.request(call.params["signatureRequestId"])
    _transitions.require_draft(sr, "SIGNATURE_REQUEST_BAD_STATUS", "Cannot update")
    _check_profile_rules(state, sr, state.profile(sr.profile_id), body)
    for key, value in body.items():
        if key == "documentIds":
            sr.document_ids = list(dict.fromkeys(value))
        elif key == "signerIds":
            sr.signer_ids = list(dict.fromkeys(value))
        elif key == "statements":
            sr.statements = [_statement(state, sr, s) for s in value]
        else:
            sr.fields[key] = value
    _events.emit_request(state, sr, "UPDATED")
    return request_context(state, sr)


@routes.post("/v3/signature-requests/{signatureRequestId}/publish")
def publish_request(call: Call) -> object:
    return _transitions.publish(call.state, call.state.request(call.params["signatureRequestId"]))


@routes.post("/v3/signature-requests/{signatureRequestId}/close")
def close_request(call: Call) -> object:
    sr = call.state.request(call.params["signatureRequestId"])
    _transitions.close(call.state, sr)
    return {"signatureRequestId": sr.id}


@routes.get("/v3/signature-requests/{signatureRequestId}/context")
def request_context_route(call: Call) -> object:
    return request_context(call.state, call.state.request(call.params["signatureRequestId"]))

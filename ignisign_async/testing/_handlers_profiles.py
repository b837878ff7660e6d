"""Signature profiles (#17, #18, #8) and the four profiles every application starts with.

The default profiles and the signer inputs each needs (the emulator's choice):

* Simple signature - by side (the default): ``BY_SIDE``, ``SIMPLE_STD``; needs ``firstName``,
  ``lastName``, ``email``;
* Simple signature - embedded: ``EMBEDDED``, ``SIMPLE_STD``; needs ``firstName``, ``lastName``;
  the only one that allows private files;
* Advanced signature - by side: ``BY_SIDE``, ``ADVANCED_STD``; needs the names, ``email`` and
  ``phoneNumber``;
* Qualified signature - by side: ``BY_SIDE``, ``QUALIFIED_STD``, PDF only; needs every input
  (names, ``email``, ``phoneNumber``, ``nationality``, ``birthDate``, ``birthPlace``,
  ``birthCountry``).
"""

from __future__ import annotations

from typing import Any, Final

from ._dtos import PROFILE_STATUS
from ._routing import Call, E, Routes
from ._state import Profile, State

__all__ = ["install_default_profiles", "routes"]

routes = Routes()

_NAMES_AND_EMAIL: Final = ("firstName", "lastName", "email")
_DEFAULTS: Final[tuple[dict[str, Any], ...]] = (
    {
        "name": "Simple signature - by side",
        "integrationMode": "BY_SIDE",
        "signatureMethodRef": "SIMPLE_STD",
        "idProofings": [],
        "authMethods": ["SIMPLE"],
        "documentTypes": ["PDF", "FILE", "DATA_JSON"],
        "inputs": _NAMES_AND_EMAIL,
        "createdByDefault": True,
    },
    {
        "name": "Simple signature - embedded",
        "integrationMode": "EMBEDDED",
        "signatureMethodRef": "SIMPLE_STD",
        "idProofings": [],
        "authMethods": ["SIMPLE"],
        "documentTypes": ["PDF", "FILE", "DATA_JSON", "PRIVATE_FILE"],
        "inputs": ("firstName", "lastName"),
        "createdByDefault": True,
    },
    {
        "name": "Advanced signature - by side",
        "integrationMode": "BY_SIDE",
        "signatureMethodRef": "ADVANCED_STD",
        "idProofings": ["BIND_ADDITIONAL_AUTH_METHOD"],
        "authMethods": ["PHONE_SMS"],
        "documentTypes": ["PDF", "FILE", "DATA_JSON"],
        "inputs": (*_NAMES_AND_EMAIL, "phoneNumber"),
        "createdByDefault": True,
    },
    {
        "name": "Qualified signature - by side",
        "integrationMode": "BY_SIDE",
        "signatureMethodRef": "QUALIFIED_STD",
        "idProofings": ["VIDEO_ROBOT_QES"],
        "authMethods": ["PHONE_SMS", "QES_EID"],
        "documentTypes": ["PDF"],
        "inputs": (
            *_NAMES_AND_EMAIL,
            "phoneNumber",
            "nationality",
            "birthDate",
            "birthPlace",
            "birthCountry",
        ),
        "createdByDefault": True,
    },
)


def install_default_profiles(state: State) -> None:
    """Create the four default profiles; the first is the environment's default."""
    config = state.config
    for index, spec in enumerate(_DEFAULTS):
        profile_id = state.new_id()
        spec = dict(spec)
        inputs = tuple(spec.pop("inputs"))
        wire = {
            "_id": profile_id,
            "appId": config.app_id,
            "appEnv": config.app_env,
            "orgId": config.org_id,
            "status": "PUBLISHED",
            "defaultLanguage": "EN",
            "signatureRequestType": "STANDARD",
            "documentRequestActivated": True,
            "languageCanBeChanged": True,
            "statementsEnabled": True,
            "extendedAuthSessionEnabled": False,
            **spec,
        }
        state.profiles[profile_id] = Profile(id=profile_id, wire=wire, inputs=inputs)
        if index == 0:
            state.default_profile_id = profile_id


@routes.get(f"{E}/signature-profiles")
def list_profiles(call: Call) -> object:
    return [p.wire for p in call.state.profiles.values()]


@routes.put(f"{E}/signature-profiles/{{signatureProfileId}}/status", body=PROFILE_STATUS)
def set_profile_status(call: Call) -> object:
    profile = call.state.profile(call.params["signatureProfileId"])
    status = call.body["status"]
    if profile.wire["status"] != status:
        profile.wire["status"] = status
        if status == "ARCHIVED":
            call.state.hub.emit("SIGNATURE_PROFILE", "ARCHIVED", {"signatureProfileId": profile.id})
    return profile.wire


@routes.get(f"{E}/signature-profiles/{{signatureProfileId}}/signer-inputs-constraints")
def inputs_constraints(call: Call) -> object:
    profile = call.state.profile(call.params["signatureProfileId"])
    return {"inputsNeeded": list(profile.inputs)}

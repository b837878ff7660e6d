"""The request DTOs of the v3 API (reference section 7) as schemas: the one table of field rules.

Each field's kind is the vendor's class-validator decorator (``@IsEmail`` -> :class:`Email`,
``@IsUrl`` -> :class:`Url`, ``@IsDateString`` -> :class:`DateString`, ``@IsMongoId``,
``@MaxLength``, ``@IsEnum``...); a field without a decorator takes any value of its type. Where the
emulator is stricter or looser than the decorators, on purpose:

* unknown fields are refused (``BODY_VALIDATION_FAILED``, "should not exist"), where the
  decorators alone would accept them; ``FakeIgnisign(strict_fields=False)`` drops them instead;
* webhook URLs may also be loopback ones (``http://localhost:8000/hook``, ``http://127.0.0.1/...``),
  which ``@IsUrl`` refuses, so that deliveries can reach an app on the developer's machine;
* ``documentHash`` must be a SHA-256 (hexadecimal or base64), as the docs describe it;
* a signer's ``phoneNumber`` has no rule here (the DTO has none); a profile that needs the phone
  (SMS) wants it in E.164 form, checked by the signers' handler.
"""

from __future__ import annotations

from typing import Final

from ..models.enums import COUNTRIES
from ._schema import (
    AnyValue,
    Bool,
    DateString,
    Email,
    Enum,
    Int,
    ListOf,
    MongoId,
    Nested,
    Number,
    Schema,
    Sha256,
    Str,
    Url,
)

APP_ENVS: Final = ("DEVELOPMENT", "STAGING", "PRODUCTION")
LANGUAGES: Final = ("EN", "FR", "DE")
PROFILE_STATUSES: Final = ("PUBLISHED", "ARCHIVED")
DIFFUSION_MODES: Final = ("WHEN_READY", "SCHEDULED")
DOCUMENT_REQUEST_TARGETS: Final = ("APPLICATION", "USER")
WEBHOOK_EVENT_FILTERS: Final = ("ALL", "SUCCESS", "FAILED")
SIGNER_INPUTS: Final = (
    "firstName",
    "lastName",
    "email",
    "phoneNumber",
    "nationality",
    "birthDate",
    "birthPlace",
    "birthCountry",
)
_COUNTRIES: Final = tuple(sorted(COUNTRIES))

EMPTY = Schema("empty body", {})

AUTH = Schema(
    "IgnisignApiAuth_RequestDto",
    {"appId": Str(non_empty=True), "appEnv": Enum(APP_ENVS), "secret": Str(non_empty=True)},
    required=("appId", "appEnv", "secret"),
)

TOKEN_CHECK = Schema(
    "webhook token check",
    {"token": Str(non_empty=True), "appId": Str(non_empty=True), "appEnv": Enum(APP_ENVS)},
    required=("token", "appId", "appEnv"),
)

# The Roles class has no decorators: any env may be left out, any value goes (``ROOT`` too).
ROLES = Schema("IgnisignApplication_Roles", dict.fromkeys(APP_ENVS, AnyValue()))
INVITE_USER = Schema(
    "IgnisignApplication_InvitedUser_CreationRequestDto",
    {"email": Email(), "roles": Nested(ROLES, non_empty=True)},
    required=("email", "roles"),
)
EDIT_INVITATION = Schema(
    "IgnisignApplicationUser_EditRequestDto",
    {"roles": Nested(ROLES, non_empty=True)},
    required=("roles",),
)

_SIGNER_FIELDS = {
    "signatureProfileId": Str(non_empty=True),
    "externalId": Str(),
    "firstName": Str(),
    "lastName": Str(),
    "email": Email(),
    "phoneNumber": Str(),
    "nationality": Enum(_COUNTRIES),
    "birthDate": DateString(),
    "birthPlace": Str(),
    "birthCountry": Enum(_COUNTRIES),
    "isRecurrent": Bool(),
}
SIGNER_CREATE = Schema("IgnisignSigner_CreationRequestDto", _SIGNER_FIELDS)
SIGNER_UPDATE = Schema("IgnisignSigner_UpdateRequestDto", {**_SIGNER_FIELDS, "signerId": MongoId()})

PROFILE_STATUS = Schema(
    "IgnisignSignatureProfile_StatusWrapper",
    {"status": Enum(PROFILE_STATUSES)},
    required=("status",),
)
PROFILE_ID = Schema(
    "IgnisignSignatureProfile_IdContainerDto",
    {"signatureProfileId": Str(non_empty=True)},
    required=("signatureProfileId",),
)

STATEMENT = Schema(
    "IgnisignSignatureRequest_Statement",
    {
        "_id": Str(),
        "appId": Str(),
        "appEnv": Str(),
        "signatureRequestId": Str(),
        "documentId": Str(),
        "target": Str(),
        "labelMd": Str(),
    },
    allow_unknown=True,
)
SR_UPDATE = Schema(
    "IgnisignSignatureRequest_UpdateDto",
    {
        "title": Str(max_length=1024),
        "description": Str(max_length=4096),
        "expirationDate": DateString(),
        "expirationDateIsActivated": Bool(),
        "language": Enum(LANGUAGES),
        "documentIds": ListOf(Str()),
        "externalId": Str(),
        "diffusionMode": Enum(DIFFUSION_MODES),
        "diffusionDate": DateString(),
        "statements": ListOf(Nested(STATEMENT)),
        "signerIds": ListOf(Str()),
        "extendedAuthSessionEnabled": Bool(),
        "initialSignatureRequestId": Str(),
        "signersAsApprover": ListOf(Str()),
        "recipients": ListOf(Str()),
    },
)
SR_IDS = Schema(
    "IgnisignSignatureRequestIdsContainerDto",
    {"signatureRequestIds": ListOf(Str())},
    required=("signatureRequestIds",),
)

DOCUMENT_INIT = Schema(
    "IgnisignDocument_InitializationDto",
    {"signatureRequestId": MongoId(), "externalId": Str(), "label": Str(), "description": Str()},
    required=("signatureRequestId",),
)
DOCUMENT_UPDATE = Schema(
    "IgnisignDocument_UpdateDto", {"externalId": Str(), "label": Str(), "description": Str()}
)
DATA_JSON = Schema(
    "IgnisignDocument_ContentCreation_DataJsonDto",
    {"jsonContent": AnyValue()},
    required=("jsonContent",),
)
PRIVATE_CONTENT = Schema(
    "IgnisignDocument_ContentCreation_PrivateContentDto",
    {"documentHash": Sha256()},
    required=("documentHash",),
)
DOCUMENT_REQUEST = Schema(
    "IgnisignDocumentRequest_RequestDto",
    {
        "target": Enum(DOCUMENT_REQUEST_TARGETS),
        "documentId": MongoId(),
        "externalId": Str(),
        "firstName": Str(),
        "lastName": Str(),
        "email": Email(),
    },
    required=("target", "documentId"),
)

WEBHOOK_ENDPOINT = Schema(
    "IgnisignWebhook_EndpointDto",
    {"url": Url(loopback=True), "description": Str()},
    required=("url",),
)

# The emulator's own control bodies (``/_fake/webhooks/...``), not the vendor's.
RETRIES = Schema(
    "webhook retry policy",
    {"attempts": Int(minimum=1), "firstDelay": Number(), "factor": Number(), "maxDelay": Number()},
)
CHAOS = Schema(
    "webhook chaos",
    {"delay": AnyValue(), "duplicate": Number(), "reorder": Bool(), "seed": Int()},
)

PAGE_QUERY = Schema("page query", {"page": Int(minimum=1)})
SEARCH_QUERY = Schema("search query", {"filter": Str()})
FOR_RECURRENT_QUERY = Schema("missing inputs query", {"forRecurrent": Bool()})
FORCE_RECURRENT_QUERY = Schema("signer status query", {"forceRecurrent": Bool()})
EVENTS_QUERY = Schema(
    "webhook events query", {"filter": Enum(WEBHOOK_EVENT_FILTERS), "page": Int(minimum=1)}
)
NO_QUERY = Schema("no query", {})

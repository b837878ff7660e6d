"""Enums of the API (reference section 8). Wire values verbatim, typos included."""

from __future__ import annotations

from ._base import ApiEnum

__all__ = [
    "AppEnv",
    "SignatureLanguage",
    "SignatureProfileStatus",
    "IntegrationMode",
    "SignatureMethodRef",
    "IdProofingMethodRef",
    "AuthFullMechanismRef",
    "SignatureRequestType",
    "DocumentType",
]


class AppEnv(ApiEnum):
    """An application environment."""

    DEVELOPMENT = "DEVELOPMENT"
    STAGING = "STAGING"
    PRODUCTION = "PRODUCTION"


class SignatureLanguage(ApiEnum):
    """The language of a signature request and its e-mails."""

    EN = "EN"
    FR = "FR"
    DE = "DE"


class SignatureProfileStatus(ApiEnum):
    """Whether a signature profile can be used (``PUBLISHED``) or not (``ARCHIVED``)."""

    PUBLISHED = "PUBLISHED"
    ARCHIVED = "ARCHIVED"


class IntegrationMode(ApiEnum):
    """How signers sign: on IgniSign's pages (``BY_SIDE``) or inside your app (``EMBEDDED``)."""

    BY_SIDE = "BY_SIDE"
    EMBEDDED = "EMBEDDED"


class SignatureMethodRef(ApiEnum):
    """The eIDAS level of a signature profile."""

    SIMPLE_STD = "SIMPLE_STD"
    ADVANCED_STD = "ADVANCED_STD"
    QUALIFIED_STD = "QUALIFIED_STD"


class IdProofingMethodRef(ApiEnum):
    """An identity-proofing method."""

    VIDEO_ROBOT_AES = "VIDEO_ROBOT_AES"
    VIDEO_ROBOT_QES = "VIDEO_ROBOT_QES"
    BANK_ACCOUNT_CHECK = "BANK_ACCOUNT_CHECK"
    E_ID_AES = "E_ID_AES"
    E_ID_QES = "E_ID_QES"
    RA_NATURAL_QES = "RA_NATURAL_QES"
    RA_NATURAL_AES = "RA_NATURAL_AES"
    SOCIAL_SECURITY_NUMBER = "SOCIAL_SECURITY_NUMBER"
    BIND_ADDITIONAL_AUTH_METHOD = "BIND_ADDITIONAL_AUTH_METHOD"


class AuthFullMechanismRef(ApiEnum):
    """An authentication mechanism of a signature profile."""

    SIMPLE = "SIMPLE"
    PHONE_SMS = "PHONE_SMS"
    PHONE_CALL = "PHONE_CALL"
    TOTP = "TOTP"
    PASS_KEY_POSSESSION = "PASS_KEY_POSSESSION"
    AES_EID = "AES_EID"
    QES_EID = "QES_EID"


class SignatureRequestType(ApiEnum):
    """The kind of signature request."""

    STANDARD = "STANDARD"
    SIGNER_SETUP = "SIGNER_SETUP"


class DocumentType(ApiEnum):
    """The nature of a document's content."""

    PDF = "PDF"
    PDF_ENCRYPTED = "PDF_ENCRYPTED"
    FILE = "FILE"
    DATA_JSON = "DATA_JSON"
    PRIVATE_FILE = "PRIVATE_FILE"

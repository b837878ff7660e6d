"""Enums of the API (reference section 8). Wire values verbatim, typos included."""

from __future__ import annotations

from typing import Final

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
    "ApplicationStatus",
    "ApplicationRole",
    "InvitedUserStatus",
    "SignatureRequestStatus",
    "DiffusionMode",
    "StatementTarget",
    "DocumentGeneratedStatus",
    "DocumentStatus",
    "DocumentRequestTarget",
    "DocumentRequestStatus",
    "SignatureStatus",
    "SignatureMode",
    "SignerStatus",
    "SignerEntityType",
    "SignerInputRef",
    "SignerClaimRef",
    "SignerClaimStatus",
    "COUNTRIES",
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


class ApplicationStatus(ApiEnum):
    """The state of an application."""

    ACTIVE = "ACTIVE"
    BLOCKED = "BLOCKED"
    ARCHIVED = "ARCHIVED"
    ORG_ARCHIVED = "ORG_ARCHIVED"


class ApplicationRole(ApiEnum):
    """What a member of an application may do in one environment."""

    ADMIN = "ADMIN"
    USER = "USER"
    READER = "READER"


class InvitedUserStatus(ApiEnum):
    """Where a user invitation stands (``CANCELED`` has one L on the wire)."""

    PENDING = "PENDING"
    ACCEPTED = "ACCEPTED"
    DECLINED = "DECLINED"
    CANCELED = "CANCELED"


class SignatureRequestStatus(ApiEnum):
    """The state of a signature request (``CHILDREN_GERENATED`` is spelled so on the wire)."""

    DRAFT = "DRAFT"
    WAITING_DOCUMENTS = "WAITING_DOCUMENTS"
    WAITING_DOCUMENTS_GENERATION = "WAITING_DOCUMENTS_GENERATION"
    READY = "READY"
    IN_PROGRESS = "IN_PROGRESS"
    COMPLETED = "COMPLETED"
    EXPIRED = "EXPIRED"
    FAILED = "FAILED"
    CANCELLED = "CANCELLED"
    PROCESSING = "PROCESSING"
    CHILDREN_GERENATED = "CHILDREN_GERENATED"

    @property
    def is_closed(self) -> bool:
        """Whether the request is over (``COMPLETED``, ``EXPIRED``, ``FAILED`` or ``CANCELLED``)."""
        return self in _CLOSED_REQUEST_STATUSES


_CLOSED_REQUEST_STATUSES: Final = frozenset(
    {
        SignatureRequestStatus.COMPLETED,
        SignatureRequestStatus.EXPIRED,
        SignatureRequestStatus.FAILED,
        SignatureRequestStatus.CANCELLED,
    }
)


class DiffusionMode(ApiEnum):
    """When signers are invited: as soon as the request is ready, or at ``diffusion_date``."""

    WHEN_READY = "WHEN_READY"
    SCHEDULED = "SCHEDULED"


class StatementTarget(ApiEnum):
    """What a statement applies to: the whole request or one document."""

    SIGNATURE_REQUEST = "SIGNATURE_REQUEST"
    DOCUMENT = "DOCUMENT"


class DocumentGeneratedStatus(ApiEnum):
    """The state of a generated artefact, e.g. a request's signature proof."""

    NOT_INITIALIZED = "NOT_INITIALIZED"
    IN_PROGRESS = "IN_PROGRESS"
    WAITING_IMAGES = "WAITING_IMAGES"
    ON_ERROR = "ON_ERROR"
    CREATED = "CREATED"


class DocumentStatus(ApiEnum):
    """The state of a document's content."""

    CREATED = "CREATED"
    DOCUMENT_REQUEST = "DOCUMENT_REQUEST"
    PROVIDED = "PROVIDED"
    ARCHIVED = "ARCHIVED"


class DocumentRequestTarget(ApiEnum):
    """Who is asked to provide a document: the application or a user (by e-mail)."""

    APPLICATION = "APPLICATION"
    USER = "USER"


class DocumentRequestStatus(ApiEnum):
    """The state of a document request."""

    CREATED = "CREATED"
    IN_PROGRESS = "IN_PROGRESS"
    PROVIDED = "PROVIDED"
    WAITING_CONFIRMATION = "WAITING_CONFIRMATION"
    CANCELLED = "CANCELLED"
    VALIDATED = "VALIDATED"
    REJECTED = "REJECTED"


class SignatureStatus(ApiEnum):
    """The state of one signature."""

    INIT = "INIT"
    SIGNED = "SIGNED"
    FAILED = "FAILED"


class SignatureMode(ApiEnum):
    """Where the signature value was computed."""

    SERVER_SIDE_SIGNATURE = "SERVER_SIDE_SIGNATURE"
    CLIENT_SIDE_SIGNATURE = "CLIENT_SIDE_SIGNATURE"


class SignerStatus(ApiEnum):
    """The state of a signer."""

    CREATED = "CREATED"
    PENDING = "PENDING"
    BLOCKED = "BLOCKED"
    ACTIVE = "ACTIVE"


class SignerEntityType(ApiEnum):
    """What kind of party a signer is."""

    NATURAL = "NATURAL"
    LEGAL = "LEGAL"
    VIRTUAL = "VIRTUAL"


class SignerInputRef(ApiEnum):
    """An input a signer may need (names differ from the wire values, which are camelCase)::

    SignerInputRef.PHONE.value   # 'phoneNumber'
    """

    FIRST_NAME = "firstName"
    LAST_NAME = "lastName"
    EMAIL = "email"
    PHONE = "phoneNumber"
    NATIONALITY = "nationality"
    BIRTH_DATE = "birthDate"
    BIRTH_PLACE = "birthPlace"
    BIRTH_COUNTRY = "birthCountry"


class SignerClaimRef(ApiEnum):
    """A claim a signer holds (declared or verified)."""

    EID_POSSESSION_AES = "EID_POSSESSION_AES"
    EID_POSSESSION_QES = "EID_POSSESSION_QES"
    PHONE_NUMBER_POSSESSION = "PHONE_NUMBER_POSSESSION"
    PRIVATE_KEY_POSSESSION = "PRIVATE_KEY_POSSESSION"
    DAPP_WALLET_POSSESSION = "DAPP_WALLET_POSSESSION"
    APP_SIGNER_SECRET_POSSESSION = "APP_SIGNER_SECRET_POSSESSION"
    TOTP_POSSESSION = "TOTP_POSSESSION"
    EMAIL_POSSESSION = "EMAIL_POSSESSION"
    ID_DOC_POSSESSION_QES = "ID_DOC_POSSESSION_QES"
    ID_DOC_POSSESSION_AES = "ID_DOC_POSSESSION_AES"
    SOCIAL_SECURITY_NUMBER_POSSESSION = "SOCIAL_SECURITY_NUMBER_POSSESSION"
    RA_PROCESS_VALIDATED_AES = "RA_PROCESS_VALIDATED_AES"
    RA_PROCESS_VALIDATED_QES = "RA_PROCESS_VALIDATED_QES"
    BANK_ACCOUNT_POSSESSION = "BANK_ACCOUNT_POSSESSION"
    NATURAL_PERSON_NAME = "NATURAL_PERSON_NAME"
    LEGAL_PERSON_NAME = "LEGAL_PERSON_NAME"
    PASS_KEY_POSSESSION = "PASS_KEY_POSSESSION"
    NATIONALITY = "NATIONALITY"
    BIRTH_INFO = "BIRTH_INFO"


class SignerClaimStatus(ApiEnum):
    """How far a signer's claim is established."""

    DECLARED = "DECLARED"
    VERIFIED = "VERIFIED"
    REJECTED = "REJECTED"
    DEPRECATED = "DEPRECATED"


COUNTRIES: Final[frozenset[str]] = frozenset(
    """
    AW AF AO AI AL AD AE AR AM AS AG AU AT AZ BI BE BJ BF BD BG BH BS BA BL BY BZ BM BO BR BB BN BT
    BW CF CA CH CL CN CI CM CD CG CK CO KM CV CR CU CW KY CY CZ DE DJ DM DK DO DZ EC EG ER EH ES EE
    ET FI FJ FK FR FO FM GA GB GE GG GH GI GN GM GW GQ GR GD GL GT GU GY HK HN HR HT HU ID IM IN IE
    IR IQ IS IL IT JM JE JO JP KZ KE KG KH KN KR XK KW LA LB LR LY LC LI LK LS LT LU LV MO MF MA MC
    MD MG MV MX MK ML MT MM ME MN MZ MR MU MW MY YT NA NC NE NF NG NI NL NO NP NR NZ OM PK PA PE PH
    PG PL PR KP PT PY PS QA RE RO RU RW SA SD SN SG GS SL SV SM SO RS SS ST SR SK SI SE SZ SX SC SY
    TD TG TH TJ TM TL TO TT TN TR TV TW TZ UG UA UY US UZ VA VE VG VI VN VU WF WS YE ZA ZM ZW
    """.split()  # noqa: SIM905 (the codes in the reference's order, eight lines not 222)
)
"""The 222 ISO 3166-1 alpha-2 codes the API accepts as ``nationality`` and ``birth_country``."""

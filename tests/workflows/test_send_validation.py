"""``send`` refuses bad arguments before any request, and bad fits before anything exists."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from ignisign_async import AsyncIgnisign, NewDocument, NewSigner
from ignisign_async.testing import FakeIgnisign

from .conftest import ADA, BY_SIDE, EMBEDDED, PDF, profile_id, writes

NOW = dt.datetime.now(dt.timezone.utc)
GOOD: dict[str, Any] = {"documents": [PDF], "signers": [ADA], "title": "T"}

BAD_ARGUMENTS: list[tuple[dict[str, Any], type[Exception], str]] = [
    ({"documents": []}, ValueError, "documents must not be empty"),
    ({"documents": PDF}, TypeError, "documents must be a list"),
    ({"documents": "lease.pdf"}, TypeError, "documents must be a list"),
    ({"documents": [b""]}, ValueError, r"documents\[0\] is empty"),
    ({"documents": [PDF, "/no/such/file.pdf"]}, ValueError, r"documents\[1\].*not an existing"),
    ({"documents": [42]}, TypeError, r"documents\[0\] must be a path, bytes"),
    ({"documents": [io.StringIO("text")]}, TypeError, "binary mode"),
    ({"documents": [("a.pdf",)]}, TypeError, r"\(file_name, data\) pair"),
    ({"documents": [("", PDF)]}, ValueError, "file name must be a non-empty"),
    ({"documents": [{"data": PDF}]}, TypeError, "unexpected key 'data'"),
    ({"documents": [{"label": "x"}]}, TypeError, "needs a 'file'"),
    ({"documents": [NewDocument(file=PDF, label=" ")]}, ValueError, r"\.label must be a non-empty"),
    ({"documents": [NewDocument(file=PDF, label=3)]}, TypeError, r"\.label must be a str"),
    ({"documents": [io.BytesIO(b"")]}, ValueError, "nothing left to read"),
    ({"signers": []}, ValueError, "signers must not be empty"),
    ({"signers": "signer-id"}, TypeError, "signers must be a list"),
    ({"signers": ["s1", "s1"]}, ValueError, "listed twice"),
    ({"signers": [""]}, ValueError, r"signers\[0\] must be a non-empty"),
    ({"signers": [7]}, TypeError, r"signers\[0\] must be a signer id"),
    ({"signers": [{"firstname": "Ada"}]}, TypeError, "unexpected key 'firstname'"),
    ({"signers": [{"email": "not-an-email"}]}, ValueError, "not an email address"),
    ({"signers": [{"nationality": "UK"}]}, ValueError, "country code"),
    ({"signers": [{"phone_number": "0612345678"}]}, ValueError, "E.164"),
    ({"signers": [NewSigner(birth_date=NOW)]}, TypeError, "birth_date must be a datetime.date"),
    ({"signers": [{"first_name": 1}]}, TypeError, "first_name must be a str"),
    ({"title": ""}, ValueError, "title must be a non-empty"),
    ({"title": None}, TypeError, "title must be a str"),
    ({"title": "x" * 1025}, ValueError, "at most 1024"),
    ({"description": "x" * 4097}, ValueError, "at most 4096"),
    ({"signature_profile_id": ""}, ValueError, "signature_profile_id must be a non-empty"),
    ({"expires_in": dt.timedelta(0)}, ValueError, "expires_in must be positive"),
    ({"expires_in": 3600}, TypeError, "expires_in must be a datetime.timedelta"),
    ({"expiration_date": NOW.replace(tzinfo=None)}, ValueError, "timezone-aware"),
    ({"expiration_date": NOW - dt.timedelta(days=1)}, ValueError, "in the future"),
    (
        {"expiration_date": NOW + dt.timedelta(days=1), "expires_in": dt.timedelta(days=1)},
        ValueError,
        "not both",
    ),
    ({"language": "KLINGON"}, ValueError, "language must be one of"),
    ({"external_id": 5}, TypeError, "external_id must be a str"),
    ({"statements": {"label_md": "x"}}, TypeError, "statements must be a list"),
    ({"statements": [{"target": "DOCUMENT", "label_md": "x"}]}, ValueError, "cannot target"),
    ({"statements": [{"target": "NOPE", "label_md": "x"}]}, ValueError, "NOPE"),
    ({"progress": "bar"}, TypeError, "progress must be a function"),
    ({"max_concurrent_uploads": 0}, ValueError, "max_concurrent_uploads must be an int >= 1"),
    ({"max_concurrent_uploads": True}, ValueError, "max_concurrent_uploads"),
]


@pytest.mark.parametrize(
    ("change", "error", "match"), BAD_ARGUMENTS, ids=[m for _, _, m in BAD_ARGUMENTS]
)
async def test_bad_arguments_fail_before_any_request(
    fake: FakeIgnisign,
    client: AsyncIgnisign,
    change: dict[str, Any],
    error: type[Exception],
    match: str,
) -> None:
    arguments = {**GOOD, "signature_profile_id": profile_id(fake), **change}
    with pytest.raises(error, match=match) as info:
        await client.signature_requests.send(**arguments)
    assert fake.requests == []
    assert getattr(info.value, "created", None) is None


async def test_a_text_mode_file_is_refused(
    fake: FakeIgnisign, client: AsyncIgnisign, tmp_path: Path
) -> None:
    path = tmp_path / "a.txt"
    path.write_text("text")
    with path.open() as handle, pytest.raises(TypeError, match="binary mode"):
        await client.signature_requests.send(
            **{**GOOD, "documents": [handle]}, signature_profile_id=profile_id(fake)
        )
    assert fake.requests == []


async def test_one_file_object_twice_is_refused(fake: FakeIgnisign, client: AsyncIgnisign) -> None:
    handle = io.BytesIO(PDF)
    with pytest.raises(ValueError, match=r"documents\[2\] is the file object of documents\[0\]"):
        await client.signature_requests.send(
            **{**GOOD, "documents": [handle, PDF, ("again.pdf", handle)]},
            signature_profile_id=profile_id(fake),
        )
    assert fake.requests == []


async def test_an_empty_file_on_disk_is_refused(
    fake: FakeIgnisign, client: AsyncIgnisign, tmp_path: Path
) -> None:
    (tmp_path / "empty.pdf").write_bytes(b"")
    with pytest.raises(ValueError, match="is empty"):
        await client.signature_requests.send(
            **{**GOOD, "documents": [tmp_path / "empty.pdf"]},
            signature_profile_id=profile_id(fake),
        )
    assert fake.requests == []


FITS: list[tuple[str, dict[str, Any], str]] = [
    (BY_SIDE, {"signers": [{"first_name": "Ada", "last_name": "L"}]}, r"signers\[0\] lacks email"),
    (
        "Advanced signature - by side",
        {"signers": ["s-existing", ADA]},
        r"signers\[1\] lacks phone_number",
    ),
    (
        "Qualified signature - by side",
        {"documents": [("notes.txt", b"not a pdf")]},
        r"documents\[0\].*does not accept FILE documents",
    ),
]


@pytest.mark.parametrize(("profile", "change", "match"), FITS, ids=[m for _, _, m in FITS])
async def test_a_bad_fit_with_the_profile_fails_before_anything_exists(
    fake: FakeIgnisign, client: AsyncIgnisign, profile: str, change: dict[str, Any], match: str
) -> None:
    arguments = {**GOOD, "signature_profile_id": profile_id(fake, profile), **change}
    with pytest.raises(ValueError, match=match) as info:
        await client.signature_requests.send(**arguments)
    assert writes(fake) == []
    created = info.value.created  # type: ignore[attr-defined]
    assert created.signature_request_id is None
    assert created.signer_ids == ()


class _StrictProfiles(httpx.AsyncBaseTransport):
    """The emulator, with every profile refusing statements and another language (the emulator's
    own profiles allow both, and the API offers no call that changes that)."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self.inner.handle_async_request(request)
        if request.method != "GET" or not request.url.path.endswith("/signature-profiles"):
            return response
        await response.aread()
        profiles = [
            {**p, "statementsEnabled": False, "languageCanBeChanged": False}
            for p in json.loads(response.content)
        ]
        return httpx.Response(response.status_code, json=profiles)


@pytest.mark.parametrize(
    ("change", "match"),
    [
        ({"statements": [{"target": "SIGNATURE_REQUEST", "label_md": "x"}]}, "allow statements"),
        ({"language": "DE"}, "signs in EN and does not allow another"),
    ],
)
async def test_statements_and_language_follow_the_profile(
    fake: FakeIgnisign, change: dict[str, Any], match: str
) -> None:
    async with fake.client(transport=_StrictProfiles(fake.transport)) as client:
        with pytest.raises(ValueError, match=match):
            await client.signature_requests.send(
                **GOOD, signature_profile_id=profile_id(fake), **change
            )
        await client.signature_requests.send(  # the default language is always fine
            **GOOD, signature_profile_id=profile_id(fake), language="EN"
        )
    assert len([w for w in writes(fake) if w[1].endswith("/publish")]) == 1


async def test_archived_and_unknown_profiles_are_refused(
    fake: FakeIgnisign, client: AsyncIgnisign
) -> None:
    await client.signature_profiles.set_status(profile_id(fake, EMBEDDED), "ARCHIVED")
    fake.clear_requests()
    with pytest.raises(ValueError, match="is ARCHIVED"):
        await client.signature_requests.send(
            **GOOD, signature_profile_id=profile_id(fake, EMBEDDED)
        )
    with pytest.raises(ValueError, match="is not a signature profile"):
        await client.signature_requests.send(**GOOD, signature_profile_id="f" * 24)
    assert writes(fake) == []


async def test_several_published_profiles_need_an_id(
    fake: FakeIgnisign, client: AsyncIgnisign
) -> None:
    with pytest.raises(
        ValueError, match=r"signature_profile_id is required: .* 4 published"
    ) as info:
        await client.signature_requests.send(**GOOD)
    assert BY_SIDE in str(info.value)
    assert writes(fake) == []


async def test_no_published_profile(fake: FakeIgnisign, client: AsyncIgnisign) -> None:
    for pid in fake.signature_profile_ids.values():
        await client.signature_profiles.set_status(pid, "ARCHIVED")
    fake.clear_requests()
    with pytest.raises(ValueError, match="no published signature profile"):
        await client.signature_requests.send(**GOOD)
    assert writes(fake) == []

"""The sync facade on the wire: one test per delegation shape, plus errors and life cycle."""

from __future__ import annotations

import io
import pathlib
import pickle
import threading
import traceback
from collections.abc import AsyncIterator

import httpx
import pytest

from ignisign_async import AsyncIgnisign, DownloadError, Ignisign, NotFoundError
from ignisign_async.models import SignatureProfile
from ignisign_async.models.health import HealthStatus
from ignisign_async.sync import SyncDownloadStream
from tests.conftest import APP_ENV, APP_ID, SECRET, make_jwt
from tests.fixtures import seed_samples as samples
from tests.resources.conftest import E, FakeApi

PROOF_PATH = "/v3/documents/doc%201/signature-proof"
PDF = b"%PDF-1.7 " + bytes(range(256)) * 40


def request_page(ids: list[str], total: int, page: int) -> dict[str, object]:
    return {
        "signatureRequests": [{**samples.SIGNATURE_REQUEST_WITH_DOC_NAME, "_id": i} for i in ids],
        "paginationData": {"total": total, "page": page, "nbEventsPerPage": 2},
    }


def reply_pdf(api: FakeApi) -> None:
    api.reply(
        "GET",
        PROOF_PATH,
        content=PDF,
        headers={
            "content-type": "application/pdf",
            "content-length": str(len(PDF)),
            "content-disposition": 'attachment; filename="../proof.pdf"',
        },
    )


def test_a_coroutine_method_sends_the_same_request_and_returns_the_model(
    api: FakeApi, client: Ignisign
) -> None:
    api.reply("PUT", f"{E}/signature-profiles/p%2F1/status", samples.SIGNATURE_PROFILE)
    profile = client.signature_profiles.set_status("p/1", "ARCHIVED")
    api.single().expect("PUT", f"{E}/signature-profiles/p%2F1/status", json={"status": "ARCHIVED"})
    assert isinstance(profile, SignatureProfile)
    assert profile.id == samples.SIGNATURE_PROFILE["_id"]


def test_a_client_level_method(api: FakeApi, client: Ignisign) -> None:
    api.reply("GET", "/v3/healthcheck", {"isAlive": True})
    assert client.health() == HealthStatus(is_alive=True)
    api.single().expect("GET", "/v3/healthcheck")


def test_iter_all_fetches_each_page_only_when_needed(api: FakeApi, client: Ignisign) -> None:
    api.reply("GET", f"{E}/signature-requests", request_page(["r1", "r2"], 3, 1))
    api.reply("GET", f"{E}/signature-requests", request_page(["r3"], 3, 2))
    walk = client.signature_requests.iter_all()
    assert api.sent == []
    assert next(walk).id == "r1"
    assert next(walk).id == "r2"
    assert [s.query for s in api.sent] == [[("page", "1")]]
    assert [r.id for r in walk] == ["r3"]
    assert [s.query for s in api.sent] == [[("page", "1")], [("page", "2")]]
    for sent in api.sent:
        assert (sent.method, sent.path) == ("GET", f"{E}/signature-requests")


def test_leaving_an_iteration_early_fetches_nothing_more(api: FakeApi, client: Ignisign) -> None:
    api.reply("GET", f"{E}/signature-requests", request_page(["r1", "r2"], 9, 1))
    for request in client.signature_requests.iter_all():
        assert request.id == "r1"
        break
    api.reply("GET", "/v3/healthcheck", {"isAlive": True})
    assert client.health().is_alive
    assert [(s.path, s.query) for s in api.sent] == [
        (f"{E}/signature-requests", [("page", "1")]),
        ("/v3/healthcheck", []),
    ]


def test_a_stream_reads_headers_then_chunks(api: FakeApi, client: Ignisign) -> None:
    reply_pdf(api)
    with client.proofs.stream_signature_proof("doc 1") as stream:
        assert isinstance(stream, SyncDownloadStream)
        assert (stream.content_type, stream.content_length, stream.file_name) == (
            "application/pdf",
            len(PDF),
            "proof.pdf",
        )
        chunks = list(stream.iter_bytes(1000))
    api.single().expect("GET", PROOF_PATH)
    assert b"".join(chunks) == PDF
    assert {len(c) for c in chunks[:-1]} == {1000}
    assert repr(stream).startswith("<SyncDownloadStream GET /v3/documents/doc 1/signature-proof ")


def test_a_stream_saves_with_progress_and_refuses_a_second_read(
    api: FakeApi, client: Ignisign, tmp_path: pathlib.Path
) -> None:
    reply_pdf(api)
    seen: list[tuple[int, int | None]] = []
    with client.proofs.stream_signature_proof("doc 1") as stream:
        result = stream.save(tmp_path / "p.pdf", progress=lambda d, t: seen.append((d, t)))
        with pytest.raises(RuntimeError, match="already read"):
            stream.iter_bytes()
    assert (result.path, result.bytes_written) == (tmp_path / "p.pdf", len(PDF))
    assert (tmp_path / "p.pdf").read_bytes() == PDF
    assert seen[-1] == (len(PDF), len(PDF))
    with client.proofs.stream_signature_proof("doc 1") as unread:
        pass
    with pytest.raises(RuntimeError, match="closed"):
        unread.save(io.BytesIO())


class _CutShort(httpx.AsyncByteStream):
    async def __aiter__(self) -> AsyncIterator[bytes]:
        yield b"a" * 1000
        yield b"b" * 1000
        raise httpx.ReadError("connection reset")


def test_chunks_that_arrived_come_before_the_error() -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/v3/auth/app-api":
            return httpx.Response(200, json={"jwtToken": make_jwt()})
        return httpx.Response(200, headers={"content-length": "9000"}, stream=_CutShort())

    received: list[bytes] = []

    def read_all() -> None:
        transport = httpx.MockTransport(answer)
        with (
            Ignisign(app_id=APP_ID, app_env=APP_ENV, secret=SECRET, transport=transport) as client,
            client.proofs.stream_signature_proof("doc 1") as stream,
        ):
            received.extend(stream.iter_bytes(500))

    with pytest.raises(DownloadError, match="interrupted after 2000 of 9000 bytes"):
        read_all()
    assert b"".join(received) == b"a" * 1000 + b"b" * 1000


def test_download_to_a_file_object(api: FakeApi, client: Ignisign) -> None:
    reply_pdf(api)
    sink = io.BytesIO()
    result = client.proofs.download_signature_proof("doc 1", sink)
    assert (result.path, result.bytes_written, sink.getvalue()) == (None, len(PDF), PDF)
    api.single().expect("GET", PROOF_PATH)


def test_an_error_inside_the_with_block_reaches_the_caller(api: FakeApi, client: Ignisign) -> None:
    reply_pdf(api)

    def fail_midway() -> None:
        with client.proofs.stream_signature_proof("doc 1") as stream:
            assert stream.content_length == len(PDF)
            raise KeyError("mine")

    with pytest.raises(KeyError, match="mine"):
        fail_midway()
    api.reply("GET", "/v3/healthcheck", {"isAlive": True})
    assert client.health().is_alive  # the response was released: the client goes on


def test_errors_keep_their_type_fields_and_async_traceback(api: FakeApi, client: Ignisign) -> None:
    with pytest.raises(NotFoundError) as caught:
        client.signers.summary("s1")
    error = caught.value
    assert (error.status_code, error.code) == (404, "NOT_FOUND")
    trace = traceback.extract_tb(error.__traceback__)
    frames = [(pathlib.Path(frame.filename).name, frame.name) for frame in trace]
    assert ("signers.py", "summary") in frames  # the generated twin
    assert ("_pipeline.py", "send") in frames  # where the async core raised it


def test_bad_arguments_raise_at_construction_like_the_async_client() -> None:
    with pytest.raises(ValueError, match="secret is required"):
        Ignisign(app_id=APP_ID, app_env=APP_ENV, secret="")
    with pytest.raises(ValueError, match="app_env must be one of"):
        Ignisign(app_id=APP_ID, app_env="PROD", secret=SECRET)
    with pytest.raises(ValueError, match="max_retries"):
        Ignisign(app_id=APP_ID, app_env=APP_ENV, secret=SECRET, max_retries=-1)


def test_settings_repr_and_no_secret(client: Ignisign) -> None:
    assert (client.app_id, client.app_env, client.max_retries) == (APP_ID, APP_ENV, 0)
    assert client.base_url == "https://api.ignisign.io"
    assert SECRET not in repr(client)
    assert repr(client) == (
        f"<Ignisign app_id={APP_ID!r} app_env={APP_ENV!r} "
        "base_url='https://api.ignisign.io' state=OPEN>"
    )
    assert repr(client.signers) == f"<Signers of {client!r}>"
    with pytest.raises(TypeError, match="cannot be pickled"):
        pickle.dumps(client)


def test_with_options_copies_share_the_runtime(api: FakeApi, client: Ignisign) -> None:
    patient = client.with_options(max_retries=3, deadline=60)
    assert isinstance(patient, Ignisign)
    assert (patient.max_retries, patient.deadline, client.max_retries) == (3, 60, 0)
    api.reply(
        "GET", "/v3/healthcheck", {"message": "busy"}, status=503, headers={"retry-after": "0"}
    )
    api.reply("GET", "/v3/healthcheck", {"isAlive": True})
    assert patient.health().is_alive  # retried: the copy's settings apply
    assert len(api.sent) == 2
    with pytest.raises(ValueError, match="max_retries"):
        client.with_options(max_retries=-2)
    patient.close()
    assert client.state.value == "CLOSED"


def test_close_is_idempotent_and_final(api: FakeApi) -> None:
    client = Ignisign(
        app_id=APP_ID, app_env=APP_ENV, secret=SECRET, transport=httpx.MockTransport(api.handler)
    )
    api.reply("GET", "/v3/healthcheck", {"isAlive": True})
    assert client.health().is_alive
    client.close()
    client.close()
    assert client.state.value == "CLOSED"
    with pytest.raises(RuntimeError, match="closed"):
        client.health()
    with pytest.raises(RuntimeError, match="closed"), client:
        pass
    assert len(api.sent) == 1


def test_a_caller_owned_http_client_runs_on_the_helper_thread_and_stays_open() -> None:
    threads: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        threads.append(threading.current_thread().name)
        return httpx.Response(200, json={"isAlive": True})

    http = httpx.AsyncClient(transport=httpx.MockTransport(handler))
    with Ignisign(app_id=APP_ID, app_env=APP_ENV, secret=SECRET, http_client=http) as client:
        assert client.health().is_alive
        assert client.health().is_alive
    assert threads == ["ignisign-sync", "ignisign-sync"]
    assert not http.is_closed


def test_the_async_client_is_still_what_runs(api: FakeApi, client: Ignisign) -> None:
    api.reply("GET", "/v3/healthcheck", {"isAlive": True})
    client.health()
    runtime = client._runtime
    assert isinstance(runtime.home, AsyncIgnisign)
    assert runtime.per_thread


@pytest.mark.parametrize("transport", [None, httpx.MockTransport(lambda r: httpx.Response(200))])
def test_a_missing_app_id_raises_the_value_error_alone(
    monkeypatch: pytest.MonkeyPatch, transport: httpx.AsyncBaseTransport | None
) -> None:
    monkeypatch.delenv("IGNISIGN_APP_ID", raising=False)
    with pytest.raises(ValueError, match="app_id is required") as raised:
        Ignisign(app_env=APP_ENV, secret=SECRET, transport=transport)
    assert raised.value.__cause__ is None
    assert raised.value.__context__ is None  # no internal exception shown before it
    shown = "".join(traceback.format_exception(raised.value))
    assert "During handling" not in shown
    assert "AttributeError" not in shown

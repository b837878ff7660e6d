"""``ignisign`` run in-process (``main(argv, stdout=..., stderr=...)``) against the emulator served
on 127.0.0.1: configuration, tables, colour and ``NO_COLOR``, downloads to stdout or a folder,
timeouts, connection errors, and the usage errors that never reach the server.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import io
import json
import logging
import socket
from pathlib import Path

import pytest

from ignisign_async._cli import main
from ignisign_async._cli._output import jsonable
from ignisign_async._cli._send import parse_duration, parse_recipient
from ignisign_async.models import SignatureRequestStatus

from .conftest import Served


class Terminal(io.StringIO):
    """A text stream that says it is a terminal."""

    def isatty(self) -> bool:
        return True


class Run:
    """The outcome of one in-process run."""

    def __init__(self, code: int, stdout: io.StringIO, stderr: io.StringIO) -> None:
        self.code = code
        self.out = stdout.getvalue()
        self.err = stderr.getvalue()


def ignisign(*argv: str, stdout: io.StringIO | None = None) -> Run:
    out = stdout if stdout is not None else io.StringIO()
    err = io.StringIO()
    code = main(list(argv), stdout=out, stderr=err)
    return Run(code, out, err)


@pytest.fixture
def env(served: Served, monkeypatch: pytest.MonkeyPatch) -> None:
    """The IGNISIGN_* variables of the served emulator, and no colour settings."""
    for name in ("NO_COLOR", "FORCE_COLOR", "TERM"):
        monkeypatch.delenv(name, raising=False)
    for name, value in served.env.items():
        monkeypatch.setenv(name, value)


@pytest.fixture
def no_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("IGNISIGN_APP_ID", "IGNISIGN_APP_ENV", "IGNISIGN_APP_SECRET", "IGNISIGN_BASE_URL"):
        monkeypatch.delenv(name, raising=False)


# -- configuration -------------------------------------------------------------------------


@pytest.mark.usefixtures("no_env")
@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["whoami"], "no application id: set IGNISIGN_APP_ID or pass --app-id"),
        (["whoami", "--app-id", "a"], "no environment: set IGNISIGN_APP_ENV or pass --env"),
        (
            ["--app-id", "a", "--env", "staging", "whoami"],
            "no app secret: set IGNISIGN_APP_SECRET or pass --secret-file PATH",
        ),
    ],
)
def test_missing_configuration_is_one_line_exit_2(argv: list[str], message: str) -> None:
    run = ignisign(*argv)
    assert (run.code, run.out, run.err) == (2, "", f"error: CONFIG: {message}\n")


@pytest.mark.usefixtures("env")
@pytest.mark.parametrize("flag", ["--secret", "--app-secret", "--secret=sk_development_x"])
def test_a_secret_on_the_command_line_is_refused_and_not_echoed(flag: str) -> None:
    run = ignisign("whoami", flag, "sk_development_x") if "=" not in flag else ignisign(flag)
    assert run.code == 2
    assert run.err.startswith("error: CONFIG: the app secret is never read from the command line")
    assert "sk_development_x" not in run.err + run.out


def test_flags_and_a_secret_file_instead_of_variables(
    served: Served, no_env: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    secret = tmp_path / "secret"
    secret.write_text(served.env["IGNISIGN_APP_SECRET"] + "\n")
    flags = [
        "--app-id",
        served.env["IGNISIGN_APP_ID"],
        "--env",
        "development",
        "--base-url",
        served.base_url,
    ]
    run = ignisign("whoami", "--json", *flags, "--secret-file", str(secret))
    assert run.code == 0, run.err
    assert json.loads(run.out)["app_id"] == served.env["IGNISIGN_APP_ID"]
    monkeypatch.setattr("sys.stdin", io.StringIO(served.env["IGNISIGN_APP_SECRET"]))
    assert ignisign(*flags, "--secret-file", "-", "profiles", "list").code == 0


@pytest.mark.usefixtures("env")
def test_an_unreadable_secret_file_or_a_bad_base_url_is_a_config_error(tmp_path: Path) -> None:
    run = ignisign("whoami", "--secret-file", str(tmp_path / "missing"))
    assert run.code == 2
    assert run.err.startswith("error: CONFIG: cannot read the secret file ")
    (tmp_path / "two").write_text("a\nb\n")
    assert "on one line" in ignisign("whoami", "--secret-file", str(tmp_path / "two")).err
    run = ignisign("whoami", "--base-url", "http://example.com")
    assert run.code == 2
    assert run.err.startswith("error: CONFIG: base_url may use plain http only for localhost")


# -- usage ---------------------------------------------------------------------------------


@pytest.mark.usefixtures("env")
def test_no_command_or_no_subcommand_prints_help_and_exits_2() -> None:
    run = ignisign()
    assert run.code == 2
    assert "demo" in run.err
    assert "check-token" in run.err
    run = ignisign("requests")
    assert run.code == 2
    assert run.err.startswith("usage: ignisign requests")
    assert "watch" in run.err


@pytest.mark.usefixtures("env")
@pytest.mark.parametrize(
    ("argv", "start"),
    [
        (["requests", "get"], "error: USAGE: the following arguments are required: ID"),
        (["requests", "list", "--status", "nope"], "error: USAGE: argument --status: unknown"),
        (
            ["requests", "list", "--all", "--page", "2"],
            "error: USAGE: argument --page: not allowed",
        ),
        (["requests", "watch", "x", "--interval", "0"], "error: USAGE: argument --interval: "),
        (["send", "a.pdf", "--to", "nobody"], "error: USAGE: argument --to: expected"),
        (["send", "a.pdf", "--to", "a@example.com", "--expires", "soon"], "error: USAGE: argument"),
        (["send", "missing.pdf", "--to", "a@example.com"], "error: USAGE: no such file: missing"),
        (["proofs", "download", "d", "--signature-id", "s"], "error: USAGE: --signature-id goes"),
        (["check-token", " "], "error: USAGE: the token is empty"),
        (["requests", "get", ".."], "error: USAGE: "),
        (["whoami", "--bogus"], "error: USAGE: unrecognized arguments: --bogus"),
    ],
)
def test_usage_errors_exit_2_on_one_line(argv: list[str], start: str) -> None:
    run = ignisign(*argv)
    assert run.code == 2, run.err
    assert run.err.startswith(start)
    assert run.err.count("\n") == 1


def test_parsing_recipients_and_durations() -> None:
    assert parse_recipient("Ada King Lovelace <ada@example.com>") == {
        "email": "ada@example.com",
        "first_name": "Ada",
        "last_name": "King Lovelace",
    }
    assert parse_recipient("ada@example.com") == {"email": "ada@example.com"}
    assert parse_duration("7d") == _dt.timedelta(days=7)
    assert parse_duration("2W") == _dt.timedelta(weeks=2)
    assert parse_duration("90m") == _dt.timedelta(minutes=90)
    for bad in ("0d", "7", "d", "1y", "-1d"):
        with pytest.raises(argparse.ArgumentTypeError, match="expected a duration"):
            parse_duration(bad)


def test_json_encoding_of_models_enums_and_dates(served: Served) -> None:
    when = _dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=_dt.timezone.utc)
    assert jsonable({"s": SignatureRequestStatus.DRAFT, "t": (when, _dt.date(2026, 1, 2))}) == {
        "s": "DRAFT",
        "t": ["2026-01-02T03:04:05Z", "2026-01-02"],
    }
    assert jsonable(_dt.timedelta(days=1)) == 86400.0
    assert jsonable(SignatureRequestStatus("ON_HOLD")) == "ON_HOLD"  # a value added later
    profile = served.client.signature_profiles.list()[0]
    encoded = jsonable(profile)
    assert encoded["id"] == profile.id
    assert encoded["status"] == "PUBLISHED"
    json.dumps(encoded)


# -- tables, colour ------------------------------------------------------------------------


@pytest.mark.usefixtures("env")
def test_tables_for_people(served: Served, webhook_id: str, completed: tuple[str, str]) -> None:
    request_id, document_id = completed
    listing = ignisign("requests", "list", "--all")
    assert listing.code == 0, listing.err
    assert listing.out.splitlines()[0].split() == ["ID", "STATUS", "TITLE", "CREATED", "DOCUMENT"]
    row = next(line for line in listing.out.splitlines() if line.startswith(request_id))
    assert row.split()[1:4] == ["COMPLETED", "Completed", "lease"]
    got = ignisign("requests", "get", request_id)
    assert "status     COMPLETED" in got.out
    assert "signed by  1 of 1" in got.out
    assert f"{document_id}  Completed lease  lease.pdf" in got.out
    whoami = ignisign("whoami")
    assert "application      Fake application" in whoami.out
    assert f"webhooks         {len(served.client.webhooks.list())}\n" in whoami.out
    events = ignisign("webhooks", "events", webhook_id, "--failed")
    assert events.out.splitlines()[0].split() == [
        "EVENT",
        "CREATED",
        "TOPIC",
        "ACTION",
        "STATUS",
        "HTTP",
    ]
    assert "SIGNATURE_PROOF" in events.out
    assert "\x1b" not in listing.out + got.out + events.out  # not a terminal: no colour
    empty = served.client.webhooks.create(url="http://127.0.0.1:9/other").id
    none = ignisign("webhooks", "events", empty)
    assert (none.code, none.out, none.err) == (0, "", "no events\n")


@pytest.mark.usefixtures("env")
def test_colour_on_a_terminal_unless_no_color(
    completed: tuple[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    request_id, _ = completed
    coloured = ignisign("requests", "get", request_id, stdout=Terminal())
    assert "\x1b[32mCOMPLETED\x1b[0m" in coloured.out
    monkeypatch.setenv("NO_COLOR", "1")
    plain = ignisign("requests", "get", request_id, stdout=Terminal())
    assert "\x1b" not in plain.out
    assert "COMPLETED" in plain.out
    monkeypatch.setenv("NO_COLOR", "")  # empty: no effect (no-color.org)
    assert "\x1b[" in ignisign("requests", "get", request_id, stdout=Terminal()).out


# -- downloads -----------------------------------------------------------------------------


class BinaryStdout(io.StringIO):
    """A text stdout with a binary ``buffer`` underneath, as ``sys.stdout`` has."""

    def __init__(self) -> None:
        super().__init__()
        self.buffer = io.BytesIO()


@pytest.mark.usefixtures("env")
def test_download_to_stdout_and_into_a_folder(
    served: Served, completed: tuple[str, str], tmp_path: Path
) -> None:
    _, document_id = completed
    with served.client.documents.stream_original(document_id) as stream:
        original = b"".join(stream.iter_bytes())
    stdout = BinaryStdout()
    run = ignisign(
        "proofs", "download", document_id, "--kind", "original", "-o", "-", stdout=stdout
    )
    assert (run.code, run.err) == (0, "")
    assert stdout.buffer.getvalue() == original
    run = ignisign(
        "proofs", "download", document_id, "--kind", "xades", "-o", str(tmp_path), "--json"
    )
    assert run.code == 0, run.err
    result = json.loads(run.out)
    (saved,) = tmp_path.iterdir()
    assert result == {
        "document_id": document_id,
        "kind": "xades",
        "path": str(saved),
        "bytes_written": saved.stat().st_size,
        "content_type": "application/xml",
    }
    assert saved.read_bytes().startswith(b"<?xml")
    missing = ignisign("proofs", "download", document_id, "-o", str(tmp_path / "no" / "p.pdf"))
    assert missing.code == 2
    assert "does not exist" in missing.err
    assert sorted(p.name for p in tmp_path.iterdir()) == [saved.name]


# -- failures ------------------------------------------------------------------------------


@pytest.mark.usefixtures("env")
def test_watch_gives_up_after_its_timeout(served: Served) -> None:
    request_id, _ = served.published_request("Never signed")
    run = ignisign("requests", "watch", request_id, "--interval", "0.05", "--timeout", "0.3")
    assert run.code == 1
    assert run.out.count("IN_PROGRESS") == 1  # one line per change, not per check
    assert run.err == f"error: TIMEOUT: {request_id} is still IN_PROGRESS after 0.3 s\n"


@pytest.mark.usefixtures("env")
def test_a_server_that_is_not_there_is_a_connection_error(monkeypatch: pytest.MonkeyPatch) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    monkeypatch.setenv("IGNISIGN_BASE_URL", f"http://127.0.0.1:{port}")
    run = ignisign("profiles", "list")
    assert run.code == 1
    assert run.err.startswith("error: CONNECTION: ")
    assert run.err.count("\n") == 1


@pytest.mark.usefixtures("env")
def test_check_token_of_an_unknown_token() -> None:
    run = ignisign("check-token", "not-a-token")
    assert (run.code, run.out) == (0, "invalid: not found\n")


@pytest.mark.usefixtures("env")
def test_a_failed_download_leaves_no_file(served: Served, tmp_path: Path) -> None:
    _, document_id = served.published_request("Not signed yet")
    run = ignisign("proofs", "download", document_id, "-o", str(tmp_path / "proof.pdf"))
    assert run.code == 1
    assert run.err.startswith("error: ")
    assert run.err.count("\n") == 1
    assert list(tmp_path.iterdir()) == []


@pytest.mark.usefixtures("env")
def test_send_checks_before_anything_is_created(served: Served, tmp_path: Path) -> None:
    pdf = tmp_path / "lease.pdf"
    pdf.write_bytes(b"%PDF-1.4\n%%EOF\n")
    before = served.client.signature_requests.list().total
    run = ignisign("send", str(pdf), "--to", "Ada Lovelace <ada@example.com>")
    assert run.code == 2
    assert run.err.startswith("error: USAGE: signature_profile_id is required")
    assert run.err.count("\n") == 1  # the SDK's warning is not printed past the error
    assert served.client.signature_requests.list().total == before


@pytest.mark.usefixtures("env")
def test_send_for_people(served: Served, tmp_path: Path) -> None:
    embedded = next(
        p for p in served.client.signature_profiles.list() if p.integration_mode == "EMBEDDED"
    )
    pdf = tmp_path / "lease.pdf"
    pdf.write_bytes(b"%PDF-1.4\n%%EOF\n")
    run = ignisign(
        "send", str(pdf), "--to", "Ada Lovelace <ada@example.com>", "--profile", embedded.id
    )
    assert run.code == 0, run.err
    assert "status             IN_PROGRESS" in run.out
    assert f"profile            {embedded.id} (EMBEDDED)" in run.out
    assert run.err == "1 signature session tokens: see them with --json\n"


@pytest.mark.usefixtures("env")
def test_resend_failed_for_people(served: Served, completed: tuple[str, str]) -> None:
    healthy = served.client.webhooks.create(url="http://127.0.0.1:9/healthy").id
    run = ignisign("webhooks", "resend-failed", healthy)
    assert (run.code, run.out) == (0, f"resent 0 failed events of endpoint {healthy}\n")


@pytest.mark.usefixtures("env")
def test_debug_logging_is_undone_after_the_command() -> None:
    logger = logging.getLogger("ignisign_async")
    before = (logger.level, list(logger.handlers))
    run = ignisign("--debug", "profiles", "list")
    assert run.code == 0
    assert " ignisign_async DEBUG " in run.err
    assert (logger.level, list(logger.handlers)) == before

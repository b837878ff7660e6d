"""Every ``ignisign`` command once in a subprocess, against the emulator served on 127.0.0.1.

``--json`` output is parsed and checked against what the API serves; exit codes, one-line
errors and ``--debug`` tracebacks are those a shell sees.
"""

from __future__ import annotations

import fcntl
import json
import os
import pty
import struct
import subprocess
import sys
import termios
from pathlib import Path

from ignisign_async import __version__

from .conftest import PDF, Served, clean_environ, run_cli


def _json_lines(text: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in text.splitlines()]


def test_version_and_help(cli_env: dict[str, str]) -> None:
    done = run_cli("--version", env=cli_env)
    assert (done.returncode, done.stdout) == (0, f"ignisign {__version__}\n")


def test_whoami_json_is_the_application_context(served: Served, cli_env: dict[str, str]) -> None:
    done = run_cli("whoami", "--json", env=cli_env)
    assert done.returncode == 0, done.stderr
    context = json.loads(done.stdout)
    assert context["app_id"] == served.env["IGNISIGN_APP_ID"]
    assert context["status"] == "ACTIVE"
    assert len(context["signature_profiles"]["development"]) == 4


def test_profiles_list_json_lines(served: Served, cli_env: dict[str, str]) -> None:
    done = run_cli("--json", "profiles", "list", env=cli_env)
    assert done.returncode == 0, done.stderr
    rows = _json_lines(done.stdout)
    assert [r["id"] for r in rows] == [p.id for p in served.client.signature_profiles.list()]
    assert {r["integration_mode"] for r in rows} == {"BY_SIDE", "EMBEDDED"}


def test_requests_list_filters_by_status(
    completed: tuple[str, str], served: Served, cli_env: dict[str, str]
) -> None:
    draft = served.client.signature_requests.init(
        served.client.signature_profiles.list()[0].id
    ).signature_request_id
    done = run_cli("requests", "list", "--all", "--status", "completed", "--json", env=cli_env)
    assert done.returncode == 0, done.stderr
    rows = _json_lines(done.stdout)
    assert completed[0] in [r["id"] for r in rows]
    assert draft not in [r["id"] for r in rows]
    assert {r["status"] for r in rows} == {"COMPLETED"}


def test_requests_get_json(completed: tuple[str, str], cli_env: dict[str, str]) -> None:
    request_id, document_id = completed
    done = run_cli("requests", "get", request_id, "--json", env=cli_env)
    assert done.returncode == 0, done.stderr
    context = json.loads(done.stdout)
    assert (context["id"], context["status"]) == (request_id, "COMPLETED")
    assert [d["id"] for d in context["documents"]] == [document_id]
    assert context["signers"][0]["email"] == "ada@example.com"


def test_requests_watch_prints_each_change_until_completed(
    served: Served, cli_env: dict[str, str]
) -> None:
    request_id, _ = served.published_request("Watched")
    watch = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "ignisign_async",
            "requests",
            "watch",
            request_id,
            "--interval",
            "0.05",
            "--json",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=cli_env,
    )
    assert watch.stdout is not None
    first = json.loads(watch.stdout.readline())
    served.control(f"/_fake/signature-requests/{request_id}/sign")
    rest, errors = watch.communicate(timeout=60)
    assert watch.returncode == 0, errors
    changes = [first, *_json_lines(rest)]
    assert [c["status"] for c in changes] == ["IN_PROGRESS", "COMPLETED"]
    assert changes[-1]["signed_by"] == changes[-1]["signers"] == 1


def test_requests_close(served: Served, cli_env: dict[str, str]) -> None:
    request_id, _ = served.published_request("To close")
    done = run_cli("requests", "close", request_id, env=cli_env)
    assert (done.returncode, done.stdout) == (0, f"closed {request_id}\n")
    assert served.client.signature_requests.get(request_id).status == "CANCELLED"


def test_download_to_a_non_terminal_is_the_served_file_and_draws_no_bar(
    completed: tuple[str, str], served: Served, cli_env: dict[str, str], tmp_path: Path
) -> None:
    _, document_id = completed
    target = tmp_path / "proof.pdf"
    done = run_cli("proofs", "download", document_id, "-o", str(target), env=cli_env)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""  # no progress bar: stderr is a pipe
    with served.client.proofs.stream_signature_proof(document_id) as stream:
        served_bytes = b"".join(stream.iter_bytes())
    assert target.read_bytes() == served_bytes
    assert served_bytes.startswith(b"%PDF-")
    assert done.stdout == f"saved {target} ({len(served_bytes):,} bytes, application/pdf)\n"
    assert [p.name for p in tmp_path.iterdir()] == ["proof.pdf"]  # no temporary file left


def test_download_on_a_terminal_draws_a_progress_bar(
    completed: tuple[str, str], cli_env: dict[str, str], tmp_path: Path
) -> None:
    _, document_id = completed
    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 120, 0, 0))
    try:
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "ignisign_async",
                "proofs",
                "download",
                document_id,
                "--kind",
                "asic",
                "-o",
                str(tmp_path),
            ],
            stdout=subprocess.PIPE,
            stderr=follower,
            env=cli_env,
            timeout=60,
            check=False,
        )
        os.close(follower)
        follower = -1
        drawn = b""
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # EIO: the terminal's other side is closed and drained
                break
            if not chunk:
                break
            drawn += chunk
    finally:
        os.close(leader)
        if follower >= 0:
            os.close(follower)
    assert done.returncode == 0
    (saved,) = tmp_path.iterdir()
    bar = drawn.decode()
    assert "\r" in bar
    assert f"{saved.name}  [####################] 100%" in bar
    assert "B/s" in bar
    assert "ETA 0:00" in bar


def test_send_two_files_to_two_signers(
    served: Served, cli_env: dict[str, str], tmp_path: Path
) -> None:
    profile = served.client.signature_profiles.list()[0]
    for name in ("lease.pdf", "annex.pdf"):
        (tmp_path / name).write_bytes(PDF)
    done = run_cli(
        "send",
        "lease.pdf",
        "annex.pdf",
        "--to",
        "Ada Lovelace <ada@example.com>",
        "--to",
        "Charles Babbage <charles@example.com>",
        "--title",
        "Lease",
        "--profile",
        profile.id,
        "--expires",
        "7d",
        "--json",
        env=cli_env,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    sent = json.loads(done.stdout)
    assert (sent["status"], sent["signature_profile_id"]) == ("IN_PROGRESS", profile.id)
    context = served.client.signature_requests.get(sent["signature_request_id"])
    assert context.title == "Lease"
    assert [d.file_name for d in context.documents] == ["lease.pdf", "annex.pdf"]
    assert [d.id for d in context.documents] == sent["document_ids"]
    assert [(s.first_name, s.last_name, s.email) for s in context.signers] == [
        ("Ada", "Lovelace", "ada@example.com"),
        ("Charles", "Babbage", "charles@example.com"),
    ]
    assert context.expiration_date_is_activated
    assert context.expiration_date is not None
    assert context.created_at is not None
    assert (context.expiration_date - context.created_at).days in (6, 7)


def test_webhooks_list_and_failed_events(
    completed: tuple[str, str], webhook_id: str, cli_env: dict[str, str]
) -> None:
    listed = run_cli("webhooks", "list", "--json", env=cli_env)
    assert listed.returncode == 0, listed.stderr
    assert [r["id"] for r in _json_lines(listed.stdout)] == [webhook_id]
    events = run_cli("webhooks", "events", webhook_id, "--failed", "--all", "--json", env=cli_env)
    assert events.returncode == 0, events.stderr
    rows = _json_lines(events.stdout)
    assert rows
    assert {r["status"] for r in rows} == {"FAILED"}
    assert {r["webhook_id"] for r in rows} == {webhook_id}
    assert "SIGNATURE_PROOF" in {r["topic"] for r in rows}


def test_webhooks_resend_one_event(
    completed: tuple[str, str], served: Served, webhook_id: str, cli_env: dict[str, str]
) -> None:
    event = served.client.webhooks.list_events(webhook_id).items[0]
    done = run_cli("webhooks", "resend", webhook_id, event.id, "--json", env=cli_env)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {"webhook_id": webhook_id, "event_id": event.id}


def test_webhooks_resend_failed_resends_each_failed_event_once(
    completed: tuple[str, str], served: Served, webhook_id: str, cli_env: dict[str, str]
) -> None:
    served.settle(webhook_id)
    failed = {e.id for e in served.client.webhooks.iter_events(webhook_id, filter="FAILED")}
    assert failed
    done = run_cli("webhooks", "resend-failed", webhook_id, "--json", env=cli_env)
    assert done.returncode == 0, done.stderr
    resent = json.loads(done.stdout)
    assert resent["webhook_id"] == webhook_id
    assert sorted(resent["event_ids"]) == sorted(failed)  # each once


def test_check_token_reads_it_from_stdin(
    completed: tuple[str, str], served: Served, cli_env: dict[str, str]
) -> None:
    token = served.control("/_fake/webhook-events").json()[-1]["verificationToken"]
    done = run_cli("check-token", "-", "--json", env=cli_env, stdin=token + "\n")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["is_valid"] is True
    again = run_cli("check-token", token, env=cli_env)
    assert (again.returncode, again.stdout) == (0, "invalid: already consumed\n")


def test_an_api_error_is_one_line_and_exit_1(cli_env: dict[str, str]) -> None:
    done = run_cli("requests", "get", "6b10349dcf232e11e2a8ffff", env=cli_env)
    assert done.returncode == 1
    assert done.stdout == ""
    assert done.stderr.startswith("error: SIGNATURE_REQUEST_NOT_FOUND: ")
    assert done.stderr.count("\n") == 1
    assert "(404 GET /v3/signature-requests/6b10349dcf232e11e2a8ffff/context)" in done.stderr


def test_debug_shows_the_traceback_and_the_sdk_log(cli_env: dict[str, str]) -> None:
    done = run_cli("--debug", "requests", "get", "6b10349dcf232e11e2a8ffff", env=cli_env)
    assert done.returncode == 1
    assert "Traceback (most recent call last)" in done.stderr
    assert "ignisign_async.NotFoundError" in done.stderr
    assert "ignisign_async DEBUG" in done.stderr  # the SDK's one line per attempt
    assert done.stderr.splitlines()[-1].startswith("error: SIGNATURE_REQUEST_NOT_FOUND: ")
    assert served_secret(cli_env) not in done.stderr


def served_secret(env: dict[str, str]) -> str:
    return env["IGNISIGN_APP_SECRET"]


def test_a_usage_error_is_one_line_and_exit_2(cli_env: dict[str, str]) -> None:
    done = run_cli("proofs", "download", "doc", "--kind", "zip", env=cli_env)
    assert done.returncode == 2
    assert done.stderr.startswith("error: USAGE: argument --kind: invalid choice: 'zip'")
    assert done.stderr.count("\n") == 1


def test_demo_live_without_the_variables_is_one_line(tmp_path: Path) -> None:
    done = run_cli("demo", "--live", env=clean_environ(), cwd=tmp_path)
    assert done.returncode == 2
    assert done.stderr == "error: CONFIG: no application id: set IGNISIGN_APP_ID or pass --app-id\n"
    assert list(tmp_path.iterdir()) == []

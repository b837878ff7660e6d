"""Developer tasks: ``nox -s tests lint typecheck`` (and ``bench``, ``reliability``)."""

from __future__ import annotations

import os
from pathlib import Path

import nox

nox.options.sessions = ["tests", "lint", "typecheck"]
nox.options.error_on_missing_interpreters = False
nox.options.reuse_existing_virtualenvs = True

PYTHONS = ["3.10", "3.11", "3.12", "3.13"]


def _find_pyenv_interpreters() -> None:
    """Let nox see pyenv's interpreters (``python3.10`` ...) after whatever PATH has first."""
    versions = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv")) / "versions"
    if versions.is_dir():
        extra = [str(v / "bin") for v in sorted(versions.iterdir()) if (v / "bin").is_dir()]
        os.environ["PATH"] = os.pathsep.join([os.environ.get("PATH", ""), *extra])


_find_pyenv_interpreters()


@nox.session(python=PYTHONS)
def tests(session: nox.Session) -> None:
    """The whole test suite, on every Python that is installed (absent ones are skipped)."""
    session.install("-e", ".[test]")
    session.run("python", "-m", "pytest", *session.posargs)


@nox.session
def lint(session: nox.Session) -> None:
    """ruff over the package, the tests, the scripts and the benchmarks."""
    session.install("ruff>=0.6")
    session.run("ruff", "check", "ignisign_async", "tests", "scripts", "benchmarks", "noxfile.py")


@nox.session
def typecheck(session: nox.Session) -> None:
    """mypy --strict on the package, and on the typing checks of its public API."""
    session.install("-e", ".[redis]", "mypy>=1.11", "uvicorn>=0.29")
    session.run("mypy", "--strict", "ignisign_async")
    session.run("mypy", "--strict", "tests/typing")


@nox.session
def reliability(session: nox.Session) -> None:
    """The full fault campaigns, token chaos and deep property tests (``-m slow``), with figures."""
    session.install("-e", ".[test]")
    session.run("python", "-m", "pytest", "-m", "slow", *session.posargs)


@nox.session
def bench(session: nox.Session) -> None:
    """The benchmarks: the SDK against raw httpx, written to benchmarks/RESULTS.md."""
    session.install("-e", ".[test]")
    session.run("python", "-m", "benchmarks", *session.posargs)

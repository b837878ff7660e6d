"""What ``python -m build`` ships: the sdist and the wheel built from it, with the real backend.

The sdist holds the package and its documents (no tests: they need the repository's scripts,
benchmarks and tooling); the wheel built from the unpacked sdist carries the LICENSE, the
metadata users and tools read (Project-URLs, dependencies) and ``py.typed``.
"""

from __future__ import annotations

import ast
import email
import importlib.metadata
import re
import subprocess
import sys
import tarfile
import zipfile
from email.message import Message
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _hatchling(source: Path, out: Path, target: str) -> Path:
    subprocess.run(
        [sys.executable, "-m", "hatchling", "build", "-t", target, "-d", str(out)],
        cwd=source,
        check=True,
        capture_output=True,
        timeout=120,
    )
    (built,) = out.glob("*.tar.gz" if target == "sdist" else "*.whl")
    return built


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[tarfile.TarFile, zipfile.ZipFile]:
    pytest.importorskip("hatchling", reason="the build backend (in the [test] extra)")
    tmp = tmp_path_factory.mktemp("dist")
    sdist_path = _hatchling(ROOT, tmp / "sdist", "sdist")
    with tarfile.open(sdist_path) as archive:
        archive.extractall(tmp / "unpacked", filter="data")
    (unpacked,) = (tmp / "unpacked").iterdir()
    wheel_path = _hatchling(unpacked, tmp / "wheel", "wheel")  # from the sdist, as pip would
    return tarfile.open(sdist_path), zipfile.ZipFile(wheel_path)


def _metadata(wheel: zipfile.ZipFile) -> Message:
    (name,) = [n for n in wheel.namelist() if n.endswith(".dist-info/METADATA")]
    return email.message_from_bytes(wheel.read(name))


def test_the_sdist_ships_the_package_and_its_documents_only(
    built: tuple[tarfile.TarFile, zipfile.ZipFile],
) -> None:
    sdist, _ = built
    top = {name.split("/", 2)[1] for name in sdist.getnames() if name.count("/") >= 1}
    assert top == {
        "ignisign_async",
        "README.md",
        "CHANGELOG.md",
        "LICENSE",
        "pyproject.toml",
        "PKG-INFO",
        ".gitignore",
    }
    assert not [n for n in sdist.getnames() if "/tests/" in n or n.endswith("/tests")]


def test_the_wheel_carries_the_license_and_py_typed(
    built: tuple[tarfile.TarFile, zipfile.ZipFile],
) -> None:
    _, wheel = built
    names = wheel.namelist()
    (license_name,) = [n for n in names if n.endswith(".dist-info/licenses/LICENSE")]
    assert wheel.read(license_name).startswith(b"MIT License")
    assert "ignisign_async/py.typed" in names
    assert not [n for n in names if n.startswith(("tests/", "scripts/", "benchmarks/"))]


def test_the_metadata(built: tuple[tarfile.TarFile, zipfile.ZipFile]) -> None:
    metadata = _metadata(built[1])
    assert metadata["License-Expression"] == "MIT"
    assert metadata.get_all("License-File") == ["LICENSE"]
    urls = dict(u.split(", ", 1) for u in metadata.get_all("Project-URL") or [])
    assert urls["Homepage"] == "https://ignisign.io"
    assert urls["API documentation"].startswith("https://doc.ignisign.io")
    requires = [r for r in metadata.get_all("Requires-Dist") or [] if "extra ==" not in r]
    names = {r.split(">")[0].split("<")[0].split(";")[0].strip().lower() for r in requires}
    assert names == {"httpx", "anyio", "attrs", "cattrs", "typing-extensions"}


def test_every_third_party_import_of_the_package_is_declared() -> None:
    """In the dependencies or an extra (``typing_extensions`` too: type checkers import it)."""
    requires = importlib.metadata.requires("ignisign-async") or []
    declared = {re.split(r"[\s<>=!~;\[]", r, maxsplit=1)[0].lower() for r in requires}
    declared = {name.replace("-", "_") for name in declared}
    found: set[str] = set()
    for path in (ROOT / "ignisign_async").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                found.add(node.module.split(".")[0])
    third_party = found - set(sys.stdlib_module_names) - {"ignisign_async"}
    assert "typing_extensions" in third_party
    assert third_party <= declared, third_party - declared

"""The core's shape: one-concept modules, short functions, and a request path that runs one way."""

from __future__ import annotations

import ast
import pathlib

import pytest

import ignisign_async

PACKAGE = pathlib.Path(ignisign_async.__file__).parent

CORE = sorted(
    path
    for path in [*PACKAGE.glob("_*.py"), *(PACKAGE / "resources").glob("*.py")]
    if not path.name.startswith(("_sync", "_demo", "__"))
)
"""The client, what it stands on, and the resources (the facade and the emulator have their own)."""

HAND_WRITTEN = sorted(
    path for path in PACKAGE.rglob("*.py") if path.relative_to(PACKAGE).parts[0] != "sync"
)
"""Every module of the package but the generated facade (``sync/``, written by a script)."""

BELOW_THE_CLIENT = [path for path in CORE if path.name != "_client.py"] + sorted(
    (PACKAGE / "webhooks").glob("*.py")
)


def _name(path: pathlib.Path) -> str:
    return str(path.relative_to(PACKAGE))


@pytest.mark.parametrize("path", HAND_WRITTEN, ids=_name)
def test_modules_and_functions_stay_small(path: pathlib.Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count("\n") <= 400
    long = [
        (node.name, node.end_lineno - node.lineno + 1)
        for node in ast.walk(ast.parse(text))
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
        and node.end_lineno is not None
        and node.end_lineno - node.lineno + 1 > 60
    ]
    assert long == []


def _runtime_imports(tree: ast.Module) -> list[str]:
    """Modules imported outside ``if TYPE_CHECKING:`` blocks (relative ones as written)."""
    found: list[str] = []

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING":
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.ImportFrom):
            found.append("." * node.level + (node.module or ""))
            found.extend("." * node.level + (node.module or "") + "." + a.name for a in node.names)
        elif isinstance(node, ast.Import):
            found.extend(a.name for a in node.names)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return found


@pytest.mark.parametrize("path", BELOW_THE_CLIENT, ids=_name)
def test_nothing_below_the_client_imports_it(path: pathlib.Path) -> None:
    imports = _runtime_imports(ast.parse(path.read_text(encoding="utf-8")))
    assert [m for m in imports if m.rsplit(".", 1)[-1] == "_client" or "._client." in m] == []


@pytest.mark.parametrize("path", BELOW_THE_CLIENT, ids=_name)
def test_nothing_below_the_client_calls_its_private_methods(path: pathlib.Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    calls = [
        ast.unparse(node)
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute)
        and node.attr.startswith("_")
        and not node.attr.startswith("__")
        and isinstance(node.value, (ast.Name, ast.Attribute))
        and ast.unparse(node.value).split(".")[-1] in ("client", "_client")
    ]
    assert calls == []


def test_the_scan_sees_a_runtime_import_and_ignores_a_type_checking_one() -> None:
    tree = ast.parse(
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from ._client import AsyncIgnisign\n"
        "def f():\n    from .._client import AsyncIgnisign\n"
    )
    assert [m for m in _runtime_imports(tree) if "_client" in m] == [
        ".._client",
        ".._client.AsyncIgnisign",
    ]

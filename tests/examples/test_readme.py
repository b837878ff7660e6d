"""The README's recipes are the example files, word for word."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_every_recipe_naming_an_example_file_is_that_file() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n# (examples/\S+)\n(.*?)```", readme, flags=re.DOTALL)
    assert {path for path, _ in blocks} >= {
        "examples/django_app/contracts/ignisign.py",
        "examples/django_app/contracts/views.py",
    }
    for path, code in blocks:
        assert code == (ROOT / path).read_text(encoding="utf-8"), path

"""What downloads take and give: the progress callback, the save target, the result."""

from __future__ import annotations

import os
import pathlib
from collections.abc import Callable
from typing import IO, TypeAlias, Union, final

from .models._base import model

__all__ = ["DownloadResult", "ProgressCallback", "SaveTarget"]

ProgressCallback: TypeAlias = Callable[[int, "int | None"], object]
"""Called as ``progress(bytes_done, total_or_None)`` after each chunk, and once more at the end
when the total was unknown (``progress(done, done)``) or nothing arrived: the end is told once."""

SaveTarget: TypeAlias = Union[str, "os.PathLike[str]", IO[bytes]]
"""Where a download goes: a path, or a binary file object open for writing."""


@final
@model
class DownloadResult:
    """What a finished download wrote::

        result = await client.proofs.download_signature_proof(document_id, "proof.pdf")
        print(result.path, result.bytes_written)     # proof.pdf 183204

    ``path`` is ``None`` when the download went to a file object.
    """

    path: pathlib.Path | None
    bytes_written: int

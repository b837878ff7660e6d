"""``ignisign``, the command line (console script; also ``python -m ignisign_async``).

Standard library only (argparse), so that it works on a base install. One module per command
group; :mod:`._main` builds the parser and turns failures into one-line errors and exit codes.
"""

from ._main import main

__all__ = ["main"]

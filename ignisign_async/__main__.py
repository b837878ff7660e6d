"""``python -m ignisign_async``: the ``ignisign`` command line (see :mod:`ignisign_async._cli`)."""

from ._cli import main

raise SystemExit(main())

"""``python -m ignisign_async demo``: see :mod:`ignisign_async._demo`."""

from ._demo import main

raise SystemExit(main())

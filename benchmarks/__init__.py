"""Benchmarks: ignisign_async against the best hand-written httpx code, side by side.

    python -m benchmarks          # 3-4 minutes: prints the table, writes benchmarks/RESULTS.md
    python -m benchmarks --quick  # seconds: checks that every row runs, writes nothing

See ``benchmarks/README.md`` for what each row measures and the bars it is held to.
"""

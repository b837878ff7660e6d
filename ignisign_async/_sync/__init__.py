"""The hand-written engine under the generated sync facade (:mod:`ignisign_async.sync`).

* :mod:`.runtime`: which loop serves a call (one per calling thread, or a helper thread), and
  what happens to the loops on ``close()`` and ``os.fork()``;
* :mod:`.tokens`: one API token shared by the per-thread async clients;
* :mod:`.loops`: the event loops (in place, or on a helper thread) that calls run on;
* :mod:`.iterators`: async iterators and bodies, stepped from sync code;
* :mod:`.transport`: the blocking transports under the core (:class:`~.transport.SyncBridge`),
  and which runtime a facade's arguments call for;
* :mod:`.twins`: the base classes and helpers that each generated method delegates to.

Nothing here imports :mod:`ignisign_async.sync`: the generated classes name what they build.
"""

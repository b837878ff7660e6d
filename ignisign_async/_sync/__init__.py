"""The hand-written engine under the generated sync facade (:mod:`ignisign_async.sync`).

* :mod:`.runtime`: the private event loops (one per calling thread, or a helper thread) that
  run the async core's coroutines, and what happens to them on ``close()`` and ``os.fork()``;
* :mod:`.tokens`: one API token shared by the per-thread async clients;
* :mod:`.twins`: the base classes and helpers that each generated method delegates to.

Nothing here imports :mod:`ignisign_async.sync`: the generated classes name what they build.
"""

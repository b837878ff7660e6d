"""A prefork worker, as Celery and gunicorn run one: a client made before ``os.fork()``.

    IGNISIGN_APP_ID=... IGNISIGN_APP_ENV=DEVELOPMENT IGNISIGN_APP_SECRET=... \\
        python prefork_worker.py 3

The parent builds one ``Ignisign`` at import (as a module-level client of a Django or Flask app
is), uses it, then forks the workers. Each child uses the very same object: it drops the
parent's loops and connections without touching them and opens its own on its first call; the
token is fetched again in the child. The parent goes on using its client after the forks.
"""

from __future__ import annotations

import os
import sys

from ignisign_async import Ignisign

client = Ignisign()  # IGNISIGN_APP_ID, IGNISIGN_APP_ENV, IGNISIGN_APP_SECRET from the environment


def say(line: str) -> None:
    """One write per line: the workers share the parent's standard output."""
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def work(index: int) -> int:
    """One worker's job: list the signature profiles and create a signer; 0 when it went well."""
    profiles = client.signature_profiles.list()
    signer = client.signers.create(
        signature_profile_id=profiles[0].id,
        first_name="Worker",
        last_name=str(index),
        email=f"worker{index}@example.com",
    )
    pid = os.getpid()
    say(f"worker {index} (pid {pid}): {len(profiles)} profiles, signer {signer.signer_id}")
    return 0


def main(workers: int) -> int:
    say(f"parent (pid {os.getpid()}): {len(client.signature_profiles.list())} profiles")
    children = []
    for index in range(workers):
        pid = os.fork()
        if pid == 0:  # the child: the client inherited from the parent, used as is
            code = 1
            try:
                code = work(index)
            finally:
                os._exit(code)
        children.append(pid)
    failures = sum(os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) != 0 for pid in children)
    say(f"parent (pid {os.getpid()}): {len(client.signature_profiles.list())} profiles again")
    client.close()
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]) if len(sys.argv) > 1 else 2))

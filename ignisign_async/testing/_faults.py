"""Fault injection: fail, drop or delay the requests that match a rule.

Rules match on the method (any when ``None``) and on the request path: a string is an
``fnmatch`` glob (``"/v3/signature-requests/*/publish"``), a compiled ``re.Pattern`` is searched.
A failure or a drop consumes one unit of its rule's ``count``; a delay rule with ``count=None``
applies until :meth:`Faults.clear`.

What each fault does to the exchange:

* ``fail_next``: the request is answered with ``status`` (and ``Retry-After`` when given) and the
  documented error body; the operation is not applied.
* ``disconnect_next(when="before")``: the connection drops before the operation is applied;
  ``when="after"``: the operation *is* applied, then the answer is lost -- the case where a
  client retrying blindly would do it twice. In-process the client sees
  ``httpx.RemoteProtocolError``; over a socket the response is started and then aborted, because
  an ASGI server answers 500 to an app that fails before starting its response, and only a
  started-then-broken response reaches the client as a dropped connection.
* ``delay``: the operation is applied, then the answer waits ``seconds`` (``anyio.sleep``, so
  it works under any event loop); a client whose timeout is shorter gives up first.
"""

from __future__ import annotations

import fnmatch
import re
import threading
from typing import Literal, Union

import attrs

__all__ = ["Faults", "FaultDecision", "PathPattern"]

PathPattern = Union[str, "re.Pattern[str]", None]


@attrs.define(kw_only=True)
class _Rule:
    kind: Literal["fail", "disconnect", "delay"]
    remaining: int | None
    method: str | None
    path: PathPattern
    status: int = 503
    retry_after: float | str | None = None
    code: str | None = None
    when: Literal["before", "after"] = "before"
    seconds: float = 0.0

    def matches(self, method: str, path: str) -> bool:
        if self.remaining is not None and self.remaining <= 0:
            return False
        if self.method is not None and self.method != method:
            return False
        if self.path is None:
            return True
        if isinstance(self.path, str):
            return fnmatch.fnmatchcase(path, self.path)
        return self.path.search(path) is not None


@attrs.frozen(kw_only=True)
class FaultDecision:
    """What the pipeline must do to one request (at most one failure or drop, plus a delay)."""

    fail: _Rule | None = None
    disconnect: Literal["before", "after"] | None = None
    delay: float = 0.0

    @property
    def name(self) -> str | None:
        if self.fail is not None:
            return f"fail:{self.fail.status}"
        if self.disconnect is not None:
            return f"disconnect:{self.disconnect}"
        if self.delay:
            return f"delay:{self.delay:g}"
        return None


class Faults:
    """The faults to inject into the next requests (``fake.faults``)::

    fake.faults.fail_next(2, status=503, retry_after=0)
    fake.faults.disconnect_next(method="POST", path="/v3/signature-requests/*/publish",
                                when="after")
    fake.faults.delay(5.0, path="*/context")
    fake.faults.injected     # {"fail": 2, "disconnect": 1, "delay": 0}
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._rules: list[_Rule] = []
        self.injected: dict[str, int] = {"fail": 0, "disconnect": 0, "delay": 0}
        """How many requests each kind of fault was injected into so far."""

    def __repr__(self) -> str:
        return f"<Faults rules={len(self._rules)} injected={self.injected}>"

    def fail_next(
        self,
        count: int = 1,
        status: int = 503,
        retry_after: float | str | None = None,
        method: str | None = None,
        path: PathPattern = None,
        *,
        code: str | None = None,
    ) -> None:
        """Answer the next ``count`` matching requests with ``status`` (and ``Retry-After``).

        ``code`` sets the error body's code (default: ``INTERNAL_ERROR`` for 5xx,
        ``TOO_MANY_REQUESTS`` for 429, else ``BAD_REQUEST``).
        """
        if not 100 <= status <= 599:
            raise ValueError(f"status must be an HTTP status, got {status!r}")
        self._add(
            _Rule(
                kind="fail",
                remaining=_count(count),
                method=_method(method),
                path=path,
                status=status,
                retry_after=retry_after,
                code=code,
            )
        )

    def disconnect_next(
        self,
        count: int = 1,
        method: str | None = None,
        path: PathPattern = None,
        when: Literal["before", "after"] = "before",
    ) -> None:
        """Drop the connection of the next ``count`` matching requests, before or after acting."""
        if when not in ("before", "after"):
            raise ValueError("when must be 'before' or 'after'")
        self._add(
            _Rule(
                kind="disconnect",
                remaining=_count(count),
                method=_method(method),
                path=path,
                when=when,
            )
        )

    def delay(
        self,
        seconds: float,
        count: int | None = None,
        method: str | None = None,
        path: PathPattern = None,
    ) -> None:
        """Hold the answers of matching requests ``seconds`` (every one when ``count`` is None)."""
        if seconds < 0:
            raise ValueError("seconds must be >= 0")
        self._add(
            _Rule(
                kind="delay",
                remaining=None if count is None else _count(count),
                method=_method(method),
                path=path,
                seconds=float(seconds),
            )
        )

    def clear(self) -> None:
        """Forget every rule (the ``injected`` counters are kept)."""
        with self._lock:
            self._rules.clear()

    def _add(self, rule: _Rule) -> None:
        with self._lock:
            self._rules.append(rule)

    def decide(self, method: str, path: str) -> FaultDecision:
        """Consume the rules that apply to this request and say what to do."""
        with self._lock:
            if not self._rules:
                return _NONE
            fail: _Rule | None = None
            disconnect: Literal["before", "after"] | None = None
            delay = 0.0
            for rule in self._rules:
                if not rule.matches(method, path):
                    continue
                if rule.kind == "delay":
                    if delay:
                        continue
                    delay = rule.seconds
                elif fail is None and disconnect is None:
                    if rule.kind == "fail":
                        fail = rule
                    else:
                        disconnect = rule.when
                else:
                    continue
                if rule.remaining is not None:
                    rule.remaining -= 1
                self.injected[rule.kind] += 1
            self._rules = [r for r in self._rules if r.remaining is None or r.remaining > 0]
            return FaultDecision(fail=fail, disconnect=disconnect, delay=delay)


_NONE = FaultDecision()


def _count(count: int) -> int:
    if isinstance(count, bool) or not isinstance(count, int) or count < 1:
        raise ValueError(f"count must be an int >= 1, got {count!r}")
    return count


def _method(method: str | None) -> str | None:
    return None if method is None else method.upper()

"""What must never be shown: the app secret and the tokens, masked while held, removed from texts.

:class:`Secret` holds a value whose ``repr`` and ``str`` are masked, so a traceback printed with
its frames' locals (``pytest -l``, ``traceback.TracebackException(capture_locals=True)``, Sentry)
never shows it; :meth:`Secret.reveal` gives the value at the last moment. :class:`Redactor`
removes the secret, the current token and anything shaped like a JWT from texts, from parsed
JSON (recursively, keys included) and from the exceptions an error is chained to.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Final, final

from ._errors import redact_tokens

__all__ = ["MASK", "Redactor", "Secret"]

MASK: Final = "[redacted]"
SENSITIVE_KEYS: Final = frozenset(
    {"secret", "authsecret", "jwttoken", "token", "signatureprooftoken", "password"}
)
"""Keys whose values a cleaned JSON body never shows (a signer's ``authSecret``, a JWT)."""


def _sensitive(key: object) -> bool:
    return isinstance(key, str) and key.replace("_", "").lower() in SENSITIVE_KEYS


@final
class Secret:
    """A string kept out of sight::

    secret = Secret("sk_live_...")
    repr(secret)       # "Secret('****')"
    secret.reveal()    # the value, where it must go on the wire
    """

    __slots__ = ("__value",)

    def __init__(self, value: str) -> None:
        self.__value = value

    def reveal(self) -> str:
        """The value itself."""
        return self.__value

    def __repr__(self) -> str:
        return "Secret('****')"

    __str__ = __repr__

    def __reduce__(self) -> str:
        raise TypeError("a Secret cannot be pickled")


class Redactor:
    """Removes the secret, the token ``current()`` returns and every JWT from what may be shown."""

    __slots__ = ("_current", "_secret")

    def __init__(self, secret: Secret, current: Callable[[str], str]) -> None:
        self._secret = secret
        self._current = current

    def text(self, text: str) -> str:
        """``text`` with the secret and any token replaced by ``[redacted]``.

        Parsed JSON goes through :meth:`value`, after parsing: escapes (``\\u0073k_...``) are
        undone by then.
        """
        secret = self._secret.reveal()
        if secret and secret in text:
            text = text.replace(secret, MASK)
        return redact_tokens(self._current(text))

    def value(self, value: object) -> object:
        """:meth:`text` applied to every string of a parsed JSON value (keys included)."""
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, Mapping):
            return {
                self.value(k): MASK if _sensitive(k) else self.value(v) for k, v in value.items()
            }
        if isinstance(value, (list, tuple)):
            return [self.value(item) for item in value]
        return value

    def exception(self, exc: BaseException) -> BaseException:
        """``exc`` made safe to chain to: messages cleaned, no frames, no chain of its own.

        The frames of a transport error reach deep into httpx, whose locals hold the request's
        raw headers; the cause keeps its type and its (cleaned) message only.
        """
        exc.args = tuple(self.text(a) if isinstance(a, str) else a for a in exc.args)
        exc.__traceback__ = None
        exc.__cause__ = None
        exc.__context__ = None
        exc.__suppress_context__ = True
        return exc

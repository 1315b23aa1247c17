"""Debug logging that never shows a secret: FalconPy's keys redacted, and every secret value seen
(client secret, tokens, passwords) removed from any text, wherever it sits."""
from __future__ import annotations

import sys
import _thread

from ._types import TYPE_CHECKING

if TYPE_CHECKING:
    import logging
    from typing import Any, Optional, Set, Union

#: The keys FalconPy redacts.
REDACTED_KEYS = {"access_token", "client_id", "client_secret", "member_cid", "token", "Authorization", "password"}

_UNRESERVED = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~"
_UNRESERVED_SET = frozenset(_UNRESERVED)


def _percent_encoded(value: str, space: str) -> str:
    """``value`` with every byte but the unreserved ones as %XX, a space as ``space``."""
    encoded = value.encode("utf-8")
    if not encoded.translate(None, _UNRESERVED):  # a token's usual alphabet: nothing to encode
        return value
    return "".join(chr(byte) if byte in _UNRESERVED_SET else space if byte == 0x20 else "%%%02X" % byte
                   for byte in encoded)


def secret_spellings(value: str) -> list:
    """Every spelling ``value`` takes in printed text, as the plugin's own (C++) masking has them:
    as it is, form-encoded (a request body), percent-encoded (a URL's user info) and JSON-escaped
    (``"``, ``\\`` and ``/`` escaped). Distinct and sorted."""
    json_escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("/", "\\/")
    return sorted({value, _percent_encoded(value, "+"), _percent_encoded(value, "%20"), json_escaped})


class SafeLog:
    """A logger (or none) and the secret values it must never print."""

    def __init__(self, debug: Union[bool, logging.Logger, None]):
        """``debug``: True for the ``falcon_oauth2`` logger, a Logger for that one, False for none.
        Fixed for the object's life: without a logger no secret is even remembered (a token minted
        per call would otherwise cost its spellings and grow the set for nothing)."""
        self._logger: Optional[logging.Logger] = None
        # logging is imported only to log: a Logger given means the caller has imported it.
        given_logging = sys.modules.get("logging")
        if given_logging is not None and isinstance(debug, given_logging.Logger):
            self._logger = debug
        elif debug:
            import logging  # pylint: disable=import-outside-toplevel,redefined-outer-name
            self._logger = logging.getLogger("falcon_oauth2")
        self._secrets: Set[str] = set()
        self._lock = _thread.allocate_lock()

    def __bool__(self) -> bool:
        """Whether anything is logged."""
        return self._logger is not None

    @property
    def logger(self) -> Optional[logging.Logger]:
        """The logger, or None when nothing is logged."""
        return self._logger

    @property
    def log(self) -> Optional[logging.Logger]:
        """The logger, as FalconPy's LogFacility names it."""
        return self._logger

    def secret(self, value: Any) -> None:
        """Never print ``value``."""
        if self._logger is not None and isinstance(value, str) and len(value) >= 4:
            with self._lock:
                self._secrets.update(secret_spellings(value))

    def clean(self, value: Any) -> Any:
        """A copy of ``value`` with FalconPy's keys redacted and every secret cut out of text."""
        if isinstance(value, dict):
            return {key: "REDACTED" if key in REDACTED_KEYS else self.clean(item) for key, item in value.items()}
        if isinstance(value, (list, tuple)):
            return [self.clean(item) for item in value]
        if isinstance(value, str):
            with self._lock:
                # Longest first: a spelling that contains another is cut out whole.
                secrets = sorted(self._secrets, key=len, reverse=True)
            for secret in secrets:
                value = value.replace(secret, "REDACTED")
            return value
        return value

    def debug(self, message: str, *values: Any) -> None:
        """Log at DEBUG, the values cleaned."""
        if self._logger:
            self._logger.debug(message, *[self.clean(value) for value in values])

    def warning(self, message: str, *values: Any) -> None:
        """Log at WARNING, the values cleaned."""
        if self._logger:
            self._logger.warning(message, *[self.clean(value) for value in values])

    def error(self, message: str, *values: Any) -> None:
        """Log at ERROR, the values cleaned."""
        if self._logger:
            self._logger.error(message, *[self.clean(value) for value in values])

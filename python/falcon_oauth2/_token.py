"""The token an interface holds, with FalconPy's BearerToken members."""
from __future__ import annotations

import time
from ._types import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import Optional


class BearerToken:
    """A token's value, lifetime, when it arrived, and how the last request for one ended."""

    def __init__(self, token_value: Optional[str] = None, expiration: int = 0, status: Optional[int] = None):
        """A token received now (when a value is given), or an empty one."""
        self.value = token_value
        self.expiration = expiration
        self.status = status
        self.token_time = time.time() if token_value else 0.0
        self.fail_reason: Optional[str] = None

    def fail_token(self, status_code: Optional[int] = None, reason: Optional[str] = None) -> None:
        """No token: the status of the failed request and the API's reason."""
        self.value = None
        self.expiration = 0
        self.token_time = 0.0
        self.status = status_code
        self.fail_reason = reason

    def stale(self, renew_window: float) -> bool:
        """Whether the token is missing or inside its renewal window."""
        return (time.time() - self.token_time) >= (self.expiration - renew_window)

"""The exceptions FalconPy raises for these operations, with the same names and result shapes."""
from __future__ import annotations

from ._result import error_dict
from ._types import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import Dict, Optional

    from ._types import ResultDict


class SDKError(Exception):
    """Base class for every error the package raises."""

    code: int = 500
    message: str = "An unexpected error has occurred."

    def __init__(self, code: Optional[int] = None, message: Optional[str] = None, headers: Optional[Dict[str, str]] = None):
        """Set the code, message and headers, defaulting to the class's own."""
        self.code = code if isinstance(code, int) else type(self).code
        self.message = message or type(self).message
        self.headers = dict(headers or {})
        super().__init__(self.message)

    @property
    def result(self) -> ResultDict:
        """The error as a FalconPy result dictionary."""
        return error_dict(self.code, self.message, self.headers)

    @property
    def simple(self) -> str:
        """``[code] message``."""
        return f"[{self.code}] {self.message}"


class APIError(SDKError):
    """The API answered with an error (raised in pythonic mode only)."""

    message = "An unexpected error has occurred. Please check your payloads and try again."


class InvalidCredentials(SDKError):
    """No usable client ID and secret."""

    code = 403
    message = "Invalid API credentials provided."


class InvalidCredentialFormat(SDKError):
    """``creds`` is neither a dictionary nor its JSON text."""

    code = 400
    message = "Invalid credential format. This keyword must be provided as a dictionary."


class InvalidBaseURL(SDKError):
    """``base_url`` is not text."""

    code = 400
    message = "Invalid base URL address specified."


class InvalidOperation(SDKError):
    """The Uber class was asked for an operation this package does not have."""

    code = 418
    message = "Invalid API operation specified."


class TokenNotSpecified(SDKError):
    """A revoke without a token."""

    code = 400
    message = "The token_value keyword is required to use this operation."


class CannotRevokeToken(SDKError):
    """``logout`` could not revoke the current token."""

    code = 400
    message = "Unable to revoke specified token."


class FalconPyRequired(SDKError):
    """An operation other than the OAuth2 ones, asked of the Uber class without FalconPy."""

    code = 501

    def __init__(self, operation: object):
        """Name the operation and the two ways to run it."""
        super().__init__(message=f"{operation!r} is a FalconPy operation: install FalconPy (pip install crowdstrike-falconpy) "
                         "and APIHarnessV2.command() runs it with this object's token, or use falcon_oauth2.falconpy.APIHarnessV2")

"""FalconPy's Uber class, for the two OAuth2 operations."""
from __future__ import annotations

from ._errors import FalconPyRequired, TokenNotSpecified
from ._interface import FalconInterface
from ._result import full_of
from ._types import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import Any, Dict

    from ._types import Returned

OPERATIONS = ("oauth2AccessToken", "oauth2RevokeToken")


class APIHarnessV2(FalconInterface):
    """The Uber class: ``command()`` takes an operation ID.

    The OAuth2 operations run here; ``data=`` is honoured for both (FalconPy ignores it). Every
    other operation runs through FalconPy's own Uber class with this object's token (its
    ``auth_object``) when FalconPy is installed, and raises FalconPyRequired when it is not.
    """

    def command(self, *args: Any, **kwargs: Any) -> Returned:
        """Run an operation: ``command("oauth2AccessToken")``, ``command(action="oauth2RevokeToken",
        data={"token": ...})``, ``command("oauth2RevokeToken", token_value=...)``.

        Neither changes this object's own token, as in FalconPy.
        """
        operation = kwargs.get("action") or kwargs.get("api_operation") or (args[0] if args else None)
        data: Dict[str, Any] = kwargs.get("data") or kwargs.get("body") or {}
        if kwargs.get("override") or operation not in OPERATIONS:
            return self._falconpy_command(kwargs.get("override") or operation, args, kwargs)
        if operation == "oauth2AccessToken":
            self._log.secret(data.get("client_secret"))
            # The call's own credentials, for the call only.
            creds = data if isinstance(data.get("client_id"), str) and isinstance(data.get("client_secret"), str) else None
            if not creds and not self.cred_format_valid:
                return self._refused()
            return self._call(operation, {"force": True, "data": data} if data else {"force": True}, creds)
        if not self.cred_format_valid:
            return self._refused()
        token = data.get("token") or kwargs.get("token_value") or kwargs.get("token")
        if not token:
            return self._refused(TokenNotSpecified())
        self._log.secret(token)
        revoke: Dict[str, Any] = {"token": token}
        client_id = data.get("client_id") or kwargs.get("client_id")
        if client_id:
            revoke["client_id"] = client_id
        return self._call(operation, revoke)

    def _falconpy_command(self, operation: Any, args: Any, kwargs: Dict[str, Any]) -> Any:
        """Any other operation, by FalconPy's Uber class over this object."""
        try:
            interface = self.auth_object
        except ImportError as missing:
            raise FalconPyRequired(operation) from missing
        return interface.command(*args, **kwargs)

    def login(self) -> bool:
        """Get a token and keep it; whether that worked."""
        super().login()
        return self.token_valid

    def logout(self) -> bool:
        """Revoke this object's token; whether that worked."""
        return full_of(self._logout_handler())["status_code"] == 200

    def __enter__(self) -> "APIHarnessV2":
        """Use as a context manager: the token is revoked on leaving."""
        return self

    def __exit__(self, exc_type: Any, exc_val: Any, exc_tb: Any) -> None:
        """Log what went wrong inside, then revoke the token."""
        if exc_type is not None and exc_tb is not None:
            from traceback import extract_tb  # pylint: disable=import-outside-toplevel
            frame = extract_tb(exc_tb)[-1]
            self._log.error("ERROR: [%s] %s", exc_type.__name__, str(exc_val))
            self._log.error("LOCATION: %s, Line #%i in Function '%s'", frame.filename, frame.lineno, frame.name)
        if self.token_value and self.refreshable:
            self.logout()

"""FalconPy's OAuth2 service class, over the plugin."""
from __future__ import annotations

from ._errors import CannotRevokeToken
from ._interface import FalconInterface
from ._result import Result, full_of, ok_dict
from ._types import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import Any, Optional

    from ._types import Returned


class OAuth2(FalconInterface):
    """OAuth2 Service Class.

    To create an instance of this class you must provide either:
        - your client_id and client_secret,
        - a dictionary (``creds``) holding them (and ``member_cid``),
        - a valid access_token,
        - or FALCON_CLIENT_ID and FALCON_CLIENT_SECRET in the environment.
    All other constructor keywords are optional (see FalconInterface). Used as a context manager,
    the token is revoked on leaving (an addition: FalconPy's OAuth2 has no context manager).
    """

    def token(self, alter_state: bool = False) -> Returned:
        """Generate an authorization token: always a new one, as FalconPy's does.

        Keyword arguments
        ----
        alter_state : bool
            FalconPy's inverted flag, kept: False (the default) keeps the token as this object's;
            True only returns it.

        Returns
        ----
        dict
            ``{"status_code", "headers", "body"}`` (a Result in pythonic mode).
        """
        return self._login_handler(stateful=not alter_state, force=True)

    def revoke(self, token: str, alter_state: bool = False, client_id: Optional[str] = None) -> Returned:
        """Revoke the specified authorization token.

        Keyword arguments
        ----
        token : str
            Token to revoke.
        alter_state : bool
            FalconPy's inverted flag, kept: False (the default) also forgets this object's token.
        client_id : str
            The API client the token was issued to, when not this object's.
        """
        return self._logout_handler(token, not alter_state, client_id)

    def logout(self) -> Returned:
        """Revoke the current token; FalconPy's own result for a successful logout."""
        full = full_of(self._logout_handler())
        if full["status_code"] == 200:
            result = ok_dict("Current token successfully revoked.", full["headers"])
        else:
            errors = full["body"].get("errors") if isinstance(full["body"], dict) else None
            message = errors[0].get("message") if errors else None
            self._log.warning("Token revocation operation failed.")
            result = CannotRevokeToken(full["status_code"], message, full["headers"]).result
        return Result(result) if self.pythonic else result

    def __enter__(self) -> "OAuth2":
        """Use as a context manager: the token is revoked on leaving."""
        return self

    def __exit__(self, *exc_info: Any) -> None:
        """Revoke the token this object holds, if it holds one it minted."""
        if self.token_value and self.refreshable:
            self.logout()

    # FalconPy's operation-ID aliases.
    oauth2AccessToken = token
    oAuth2AccessToken = token
    oauth2RevokeToken = revoke
    oAuth2RevokeToken = revoke

"""FalconPy's own classes, with their tokens through the plugin.

``OAuth2`` and ``APIHarnessV2`` here *are* FalconPy's classes (every operation, every service
class's ``auth_object``), except that a login, a renewal, a revoke and a child login go through
the plugin: one token request for all threads, the shared token cache across processes, the 429
policy, and a custom base URL kept. Needs FalconPy (``pip install crowdstrike-falconpy``)::

    from falcon_oauth2.falconpy import OAuth2
    from falconpy import Hosts
    hosts = Hosts(auth_object=OAuth2(client_id=..., client_secret=..., token_cache="file"))

A plain ``falcon_oauth2.OAuth2`` gives the same through its ``auth_object`` member.
"""
from __future__ import annotations

import inspect

try:
    import falconpy as _falconpy  # type: ignore[import]  # optional: imported only when this module is
except ImportError as missing:  # pragma: no cover - depends on the machine
    raise ImportError("falcon_oauth2.falconpy needs FalconPy: pip install crowdstrike-falconpy "
                      "(or Debian's python3-requests and FalconPy on PYTHONPATH)") from missing

from ._interface import FalconInterface as _Engine
from ._types import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import Any, Dict, Optional

    from ._types import ResultDict

#: The settings FalconPy lets a caller assign, pushed to the plugin's connection before a call.
SHARED_SETTINGS = ("proxy", "timeout", "user_agent", "ssl_verify", "base_url", "renew_window")


class PluginTokens:
    """FalconPy's login and logout handlers, answered by a falcon_oauth2 interface (the engine)."""

    _engine: _Engine
    # FalconPy's interface members this mixin uses (the class it is mixed into has them).
    _creds: Dict[str, Any]
    config: Any
    creds: Dict[str, Any]
    token_value: Optional[str]
    bearer_token: Any

    def __init__(self, **keywords: Any):
        """Read FalconPy's keywords (and ``token_cache``) as falcon_oauth2 does, so a wrong one
        raises, then hand FalconPy's class those it takes, with the base URL as read here
        (FalconPy would send a cloud alias such as ``gov1`` to a host of that name)."""
        engine = _Engine(**dict(keywords, pythonic=False))
        falconpy_init = super().__init__
        accepted = inspect.signature(falconpy_init).parameters
        falconpy_init(**dict({name: value for name, value in keywords.items() if name in accepted}, base_url=engine.base_url))
        self._attach(engine)

    @classmethod
    def over(cls, owner: _Engine) -> Any:
        """An interface of this class sharing ``owner``'s credentials, settings and token."""
        interface = cls.__new__(cls)
        given: Dict[str, Any] = {"base_url": owner.base_url, "proxy": owner.proxy, "timeout": owner.timeout,
                                 "user_agent": owner.user_agent, "renew_window": owner.renew_window,
                                 "pythonic": owner.pythonic, "debug": owner.log or False}
        if owner.cred_format_valid:
            given["creds"] = owner.creds
        else:
            given["access_token"] = owner.token_value or False
        super(PluginTokens, interface).__init__(**given)
        interface._attach(owner)
        return interface

    def _attach(self, engine: _Engine) -> None:
        """Take ``engine``'s credentials and token. FalconPy drops a CA bundle path given as
        ``ssl_verify``; requests honours it, so FalconPy's data calls get it back."""
        self._engine = engine
        self._creds = engine.creds  # one dictionary: a child login through either is seen by both
        self.config.ssl_verify = engine.ssl_verify
        self._mirror()

    def _push(self) -> None:
        """What the caller assigned on the FalconPy side reaches the plugin's connection."""
        engine = self._engine
        if self.creds is not engine.creds:
            engine.creds = self.creds
        for name in SHARED_SETTINGS:
            value = getattr(self, name)
            if value != getattr(engine, name):
                setattr(engine, name, value)

    def _mirror(self) -> None:
        """The engine's token state becomes FalconPy's (its renewal window kept: FalconPy's own
        login resets it to 120 s)."""
        engine = self._engine
        token = _falconpy.BearerToken(engine.token_value, engine.token_expiration, engine.token_status)
        if not engine.token_value and engine.token_status:  # a failed request, not merely none yet
            token.fail_token(engine.token_status, engine.token_fail_reason)
        token.token_time = engine.token_time
        token.renew_window = engine.renew_window
        self.bearer_token = token
        self.config.base_url = engine.base_url

    def _login_handler(self, stateful: bool = True, force: bool = False) -> ResultDict:
        """A token through the plugin. Stateful (a login or a renewal): the session's token while
        fresh, one request for all threads. Not stateful (FalconPy's ``token(alter_state=True)``, the
        Uber class's ``oauth2AccessToken``): a new token, as FalconPy mints one."""
        self._push()
        result = self._engine._token_request(stateful, force or not stateful)  # pylint: disable=protected-access
        if stateful:
            self._mirror()
        return result

    def _logout_handler(self, token_value: Optional[str] = None, stateful: bool = True,
                        client_id: Optional[str] = None) -> ResultDict:
        """Revoke through the plugin (every session of this process forgets the token)."""
        self._push()
        token_value = token_value or self.token_value
        result = self._engine._revoke_request(token_value, stateful, client_id)  # pylint: disable=protected-access
        if stateful:
            self._mirror()
        return result


class OAuth2(PluginTokens, _falconpy.OAuth2):
    """FalconPy's OAuth2 class (a FalconInterface: any service class's ``auth_object``), its
    tokens through the plugin. Takes FalconPy's keywords and ``token_cache``."""

    def token(self, alter_state: bool = False) -> ResultDict:
        """A new token, as FalconPy's; kept as this object's unless ``alter_state``."""
        return self._login_handler(not alter_state, force=True)

    oauth2AccessToken = token
    oAuth2AccessToken = token


class APIHarnessV2(PluginTokens, _falconpy.APIHarnessV2):
    """FalconPy's Uber class, its tokens through the plugin. Takes FalconPy's keywords and
    ``token_cache``."""


def bridge(owner: _Engine) -> _falconpy.FalconInterface:
    """A FalconPy interface whose logins and logouts go through ``owner``: FalconPy's Uber class
    for a falcon_oauth2 Uber class (its ``command()`` runs every operation), else its OAuth2."""
    from .uber import APIHarnessV2 as PlainUber  # pylint: disable=import-outside-toplevel
    return (APIHarnessV2 if isinstance(owner, PlainUber) else OAuth2).over(owner)

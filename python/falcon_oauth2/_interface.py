"""What FalconPy's OAuth2 class and Uber class share: credentials, settings, the token's state,
and the calls into the plugin."""
from __future__ import annotations

import _thread

from . import _settings
from ._config import InterfaceConfiguration
from ._errors import APIError, InvalidCredentials, SDKError
from ._log import SafeLog
from ._plugin import plugin
from ._result import Result, full_of, result_dict
from ._token import BearerToken
from ._types import TYPE_CHECKING

if TYPE_CHECKING:
    from logging import Logger
    from typing import Any, Dict, Optional, Union

    from ._types import ResultDict, Returned, Timeout

#: A token given to the constructor is taken as just minted, as FalconPy takes it.
GIVEN_TOKEN_LIFETIME = 1799


class NoAuthenticationMechanism(UserWarning):
    """Neither credentials nor a token were given or found in the environment."""


class FalconInterface:  # pylint: disable=too-many-instance-attributes,too-many-public-methods
    """Credentials, settings and token state, with FalconPy's constructor keywords and members.

    Keyword arguments
    ----
    access_token : str
        A token to use as is (never refreshed).
    base_url : str
        A URL, a host, or a cloud name (``"us2"``, ``"US-2"``, ``"usgov1"``, ``"gov1"``...). [Default: US-1]
    ssl_verify : bool or str
        Verify TLS certificates; a path names the CA bundle to trust. [Default: True]
    proxy : dict
        requests-style proxies; the ``https`` entry is used.
    timeout : float or tuple
        Seconds to connect and to wait for a reply, or a ``(connect, read)`` pair.
    creds : dict
        ``{"client_id", "client_secret", "member_cid"}``, or its JSON text.
    client_id, client_secret, member_cid : str
        The API client, and the MSSP child to act for.
    user_agent : str
        Your product's token, e.g. ``"acme-soar/2.1"``.
    renew_window : number
        Seconds before expiry a token is renewed (clamped to 120..1200).
    debug : bool or Logger
        Log operations and results (secrets are always redacted).
    debug_record_count : int
        Kept and returned, as FalconPy keeps it (results here hold no record lists).
    sanitize_log : bool
        Accepted; logs are always sanitized.
    pythonic : bool
        Return Result objects and raise APIError on an API error.
    environment : dict
        ``prefix``, ``id_name``, ``secret_name`` of the environment variables to read credentials from.
    token_cache : str or dict
        Ours: where tokens are shared between processes (``"file"``, a Redis URL...; see the README).

    Every setting FalconPy lets you assign (``base_url``, ``ssl_verify``, ``proxy``, ``timeout``,
    ``user_agent``, ``renew_window``, ``pythonic``, ``creds``) can be assigned here too, and the
    next call uses it. ``auth_object`` is a FalconPy interface over this object, for FalconPy's
    service classes (``Hosts(auth_object=auth)``; needs FalconPy installed).
    """

    # pylint: disable=too-many-arguments,too-many-locals
    def __init__(self,
                 access_token: Optional[Union[str, bool]] = False,
                 base_url: Optional[str] = "https://api.crowdstrike.com",
                 ssl_verify: Optional[Union[bool, str]] = True,
                 proxy: Optional[Dict[str, str]] = None,
                 timeout: Timeout = None,
                 creds: Optional[Union[Dict[str, str], str]] = None,
                 client_id: Optional[str] = None,
                 client_secret: Optional[str] = None,
                 user_agent: Optional[str] = None,
                 member_cid: Optional[str] = None,
                 renew_window: Optional[Union[int, float]] = 120,
                 debug: Optional[Union[bool, Logger]] = False,
                 debug_record_count: Optional[int] = None,
                 sanitize_log: Optional[bool] = None,
                 pythonic: Optional[bool] = None,
                 environment: Optional[Dict[str, str]] = None,
                 token_cache: Optional[Union[str, Dict[str, Any]]] = None):
        """Construct an instance: read every keyword, send nothing."""
        del sanitize_log  # logs are always sanitized
        self._lock = _thread.RLock()  # type: ignore[attr-defined]  # CPython's; typeshed does not list it
        self._log = SafeLog(debug)
        self.debug_record_count = debug_record_count
        self._pythonic = pythonic if isinstance(pythonic, bool) else False
        self._config = InterfaceConfiguration(base_url, proxy, timeout, user_agent, ssl_verify, token_cache)
        self._renew_window = _settings.read_renew_window(renew_window)
        self._token = BearerToken()
        self._bridge: Any = None
        self._environment = environment if isinstance(environment, dict) else {}
        self._creds = _settings.read_creds(client_id, client_secret, creds, member_cid)
        self._auth_style: Optional[str] = ("DIRECT" if client_id and client_secret and not creds else
                                           "CREDENTIAL" if self._creds else None)
        if not self.cred_format_valid and access_token:
            self._set_token(str(access_token), GIVEN_TOKEN_LIFETIME, 201)
            self._auth_style = "TOKEN"
        if not self.cred_format_valid and not self.token_value:
            self._creds = _settings.creds_from_environment(self._creds, environment, member_cid)
            if self.cred_format_valid:
                self._auth_style = "ENVIRONMENT"
        for secret in (self._creds.get("client_secret"), self.token_value, self._config.token_cache_password):
            self._log.secret(secret)
        if not self.cred_format_valid and not self.token_value:
            message = "No authentication mechanism: give client_id and client_secret, creds, access_token, or FALCON_CLIENT_ID and FALCON_CLIENT_SECRET"
            if self._pythonic:
                import warnings  # pylint: disable=import-outside-toplevel
                warnings.warn(message, NoAuthenticationMechanism, stacklevel=3)
            self._log.warning(message)

    # ---- the token's state

    def _set_token(self, value: Optional[str], expiration: int, status: Optional[int]) -> None:
        with self._lock:
            self._token = BearerToken(value, expiration, status)
        self._log.secret(value)

    def _fail_token(self, status: int, reason: Optional[str]) -> None:
        with self._lock:
            self._token = BearerToken()
            self._token.fail_token(status, reason)

    def _remember(self, result: ResultDict) -> None:
        """A token result changes the state, as FalconPy's stateful login does."""
        body = result["body"] if isinstance(result["body"], dict) else {}
        if result["status_code"] == 201 and body.get("access_token"):
            self._set_token(body["access_token"], int(body.get("expires_in", 0)), 201)
            with self._lock:
                self._config.discovered(result["headers"].get("X-Cs-Region", ""))
        else:
            errors = body.get("errors") or [{}]
            self._fail_token(result["status_code"], errors[0].get("message"))

    # ---- calls into the plugin

    def _connection(self, creds: Optional[Dict[str, Any]] = None) -> Dict[str, Any]:
        creds = creds or self._creds
        connection = self._config.connection(self._renew_window)
        connection["client_id"] = creds["client_id"]
        connection["client_secret"] = creds["client_secret"]
        if creds.get("member_cid"):
            connection["member_cid"] = creds["member_cid"]
        return connection

    def _request(self, operation: str, action_input: Dict[str, Any], creds: Optional[Dict[str, Any]] = None) -> ResultDict:
        """One action through the plugin (with ``creds`` instead of the object's); the result in
        FalconPy's dictionary shape, whatever the mode."""
        self._log.debug("OPERATION: %s", operation)
        output = plugin().invoke(operation, action_input, self._connection(creds))
        body = output.get("body")
        if isinstance(body, dict) and body.get("access_token"):
            self._log.secret(body["access_token"])
        result = result_dict(output["status_code"], output.get("headers"), body)
        self._log.debug("STATUS CODE: %i", result["status_code"])
        self._log.debug("RESULT: %s", result)
        return result

    def _call(self, operation: str, action_input: Dict[str, Any], creds: Optional[Dict[str, Any]] = None) -> Returned:
        """``_request`` in the object's mode. Whatever the plugin answers counts as the API's
        answer (a refused input included)."""
        return self._finish(self._request(operation, action_input, creds), from_api=True)

    def _finish(self, result: ResultDict, from_api: bool = False) -> Returned:
        """Pythonic mode: a Result, and an APIError for the API's errors. Else the dictionary."""
        if not self._pythonic:
            return result
        if from_api and result["status_code"] >= 400:
            errors = result["body"].get("errors") if isinstance(result["body"], dict) else None
            message = f"ERROR: {errors[0]['message']}" if errors else None
            self._log.error("%s", message or "ERROR")
            raise APIError(code=result["status_code"], message=message, headers=result["headers"])
        return Result(result)

    def _refusal(self, refusal: Optional[SDKError] = None) -> ResultDict:
        """A refusal of the SDK's own, logged, nothing sent: by default FalconPy's 403 for no
        usable credentials."""
        refusal = refusal or InvalidCredentials()
        self._log.error("%s", refusal.message)
        return refusal.result

    def _refused(self, refusal: Optional[SDKError] = None) -> Returned:
        """``_refusal`` in the object's mode."""
        return self._finish(self._refusal(refusal))

    def _token_request(self, stateful: bool = True, force: bool = False) -> ResultDict:
        """A token (the session's own while fresh unless forced) as a dictionary; with
        ``stateful``, kept as this object's."""
        if not self.cred_format_valid:
            if stateful:
                self._fail_token(403, "Invalid credentials")
            return self._refusal()
        result = self._request("oauth2AccessToken", {"force": True} if force else {})
        if stateful:
            self._remember(result)
        return result

    def _revoke_request(self, token_value: Optional[str] = None, stateful: bool = True,
                        client_id: Optional[str] = None) -> ResultDict:
        """Revoke ``token_value`` (this object's own by default) as a dictionary; with
        ``stateful``, this object forgets its token."""
        if not self.cred_format_valid:
            return self._refusal()
        token_value = token_value or self.token_value
        self._log.secret(token_value)
        revoke: Dict[str, Any] = {"token": token_value} if token_value else {}
        if client_id:
            revoke["client_id"] = client_id
        try:
            return self._request("oauth2RevokeToken", revoke)
        finally:
            if stateful:
                self._set_token(None, 0, None)

    def _login_handler(self, stateful: bool = True, force: bool = False) -> Returned:
        return self._finish(self._token_request(stateful, force), from_api=self.cred_format_valid)

    def _logout_handler(self, token_value: Optional[str] = None, stateful: bool = True, client_id: Optional[str] = None) -> Returned:
        return self._finish(self._revoke_request(token_value, stateful, client_id), from_api=self.cred_format_valid)

    # ---- FalconPy's members

    def login(self) -> Any:
        """Get a token and keep it: the session's own while fresh, else one request for all threads."""
        return self._login_handler(stateful=True)

    def child_login(self, member_cid: Optional[str] = None) -> bool:
        """Act for the MSSP child ``member_cid`` from now on: whether its token was issued."""
        if not member_cid:
            return False
        self._creds["member_cid"] = member_cid
        return full_of(self.login())["status_code"] == 201

    def child_logout(self, login_as_parent: bool = True) -> bool:
        """Act for your own CID again: log in as the parent (whether that worked), or revoke the
        child's token (whether that worked)."""
        self._creds.pop("member_cid", None)
        if login_as_parent:
            return full_of(self.login())["status_code"] == 201
        return full_of(self._logout_handler())["status_code"] == 200

    def authenticated(self) -> bool:
        """Whether the token is valid."""
        return self.token_valid

    def token_expired(self) -> bool:
        """Whether the token is stale."""
        return self.token_stale

    @property
    def auth_object(self) -> Any:
        """A FalconPy interface whose logins and logouts go through this object (imports FalconPy):
        pass this object as any FalconPy service class's ``auth_object``."""
        with self._lock:
            if self._bridge is None:
                from .falconpy import bridge  # pylint: disable=import-outside-toplevel
                self._bridge = bridge(self)
            return self._bridge

    @property
    def creds(self) -> Dict[str, Any]:
        """The credentials in use."""
        return self._creds

    @creds.setter
    def creds(self, value: Dict[str, Any]) -> None:
        if not isinstance(value, dict):
            raise TypeError("creds must be a dictionary with client_id and client_secret")
        self._log.secret(value.get("client_secret"))
        self._creds = value

    @property
    def cred_format_valid(self) -> bool:
        """Whether a client ID and secret (as text) are there."""
        return isinstance(self._creds.get("client_id"), str) and isinstance(self._creds.get("client_secret"), str)

    @property
    def refreshable(self) -> bool:
        """Whether a stale token can be renewed (credentials, not a bare token)."""
        return self.cred_format_valid

    @property
    def auth_style(self) -> Optional[str]:
        """How the credentials came: ``DIRECT``, ``CREDENTIAL``, ``TOKEN`` or ``ENVIRONMENT``."""
        return self._auth_style

    @property
    def config(self) -> InterfaceConfiguration:
        """Where and how the API is reached."""
        return self._config

    @config.setter
    def config(self, value: InterfaceConfiguration) -> None:
        if not isinstance(value, InterfaceConfiguration):
            raise ValueError("config must be an InterfaceConfiguration")
        self._config = value

    @property
    def base_url(self) -> str:
        """The cloud's base URL: after autodiscovery, the home cloud's (a custom URL stays)."""
        return self._config.base_url

    @base_url.setter
    def base_url(self, value: str) -> None:
        self._config.base_url = value

    @property
    def ssl_verify(self) -> Union[bool, str]:
        """As given."""
        return self._config.ssl_verify

    @ssl_verify.setter
    def ssl_verify(self, value: Union[bool, str]) -> None:
        self._config.ssl_verify = value

    @property
    def proxy(self) -> Optional[Dict[str, str]]:
        """As given."""
        return self._config.proxy

    @proxy.setter
    def proxy(self, value: Optional[Dict[str, str]]) -> None:
        self._config.proxy = value

    @property
    def timeout(self) -> Timeout:
        """As given."""
        return self._config.timeout

    @timeout.setter
    def timeout(self, value: Timeout) -> None:
        self._config.timeout = value

    @property
    def user_agent(self) -> Optional[str]:
        """As given."""
        return self._config.user_agent

    @user_agent.setter
    def user_agent(self, value: Optional[str]) -> None:
        self._config.user_agent = value

    @property
    def renew_window(self) -> Union[int, float]:
        """Seconds before expiry a token is renewed (120..1200)."""
        return self._renew_window

    @renew_window.setter
    def renew_window(self, value: Union[int, float]) -> None:
        self._renew_window = _settings.read_renew_window(value)

    @property
    def pythonic(self) -> bool:
        """Whether results are Result objects and API errors raise."""
        return self._pythonic

    @pythonic.setter
    def pythonic(self, value: bool) -> None:
        self._pythonic = bool(value)

    @property
    def sanitize_log(self) -> bool:
        """Always True: no secret is ever logged. Setting False is accepted and changes nothing."""
        return True

    @sanitize_log.setter
    def sanitize_log(self, value: bool) -> None:
        if not isinstance(value, bool):
            raise TypeError("sanitize_log must be True or False")

    @property
    def env_prefix(self) -> str:
        """The prefix of the environment variables read for credentials."""
        return self._environment.get("prefix", "FALCON_")

    @property
    def env_key(self) -> str:
        """The client ID's variable, after the prefix."""
        return self._environment.get("id_name", "CLIENT_ID")

    @property
    def env_secret(self) -> str:
        """The client secret's variable, after the prefix."""
        return self._environment.get("secret_name", "CLIENT_SECRET")

    @property
    def debug(self) -> bool:
        """Whether anything is logged."""
        return bool(self._log)

    @property
    def log(self) -> Optional[Logger]:
        """The logger, when debugging."""
        return self._log.logger

    @property
    def log_facility(self) -> SafeLog:
        """The logging facility (``log``; secrets always masked)."""
        return self._log

    @property
    def bearer_token(self) -> BearerToken:
        """The token and the state of the last request for one."""
        return self._token

    @bearer_token.setter
    def bearer_token(self, value: BearerToken) -> None:
        if not isinstance(value, BearerToken):
            raise TypeError("bearer_token must be a BearerToken")
        with self._lock:
            self._token = value
        self._log.secret(value.value)

    @property
    def token_value(self) -> Optional[str]:
        """The current token, or None."""
        return self._token.value

    @property
    def token_status(self) -> Optional[int]:
        """The status of the last token request (201 when a token was issued)."""
        return self._token.status

    @property
    def token_expiration(self) -> int:
        """The current token's lifetime in seconds, from when it was received."""
        return self._token.expiration

    @property
    def token_time(self) -> float:
        """When the current token was received (epoch seconds)."""
        return self._token.token_time

    @property
    def token_fail_reason(self) -> Optional[str]:
        """Why the last token request failed."""
        return self._token.fail_reason

    @property
    def token_stale(self) -> bool:
        """Whether the token is missing or inside its renewal window."""
        with self._lock:
            return self._token.stale(self._renew_window)

    @property
    def token_valid(self) -> bool:
        """Whether the token is good for a while yet."""
        return not self.token_stale

    @property
    def auth_headers(self) -> Dict[str, str]:
        """``{"Authorization": "Bearer ..."}``, renewing a stale token first (once for all threads)."""
        if self.token_stale and self.refreshable:
            self.login()
        return {"Authorization": f"Bearer {self.token_value}"}

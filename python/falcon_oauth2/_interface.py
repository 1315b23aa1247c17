"""What FalconPy's OAuth2 class and Uber class share: credentials, settings, the token's state,
and the calls into the plugin."""
import threading
import time
import warnings
from logging import Logger
from typing import Any, Dict, Optional, Union

from . import _settings
from ._errors import APIError, InvalidCredentials, SDKError
from ._log import SafeLog
from ._plugin import plugin
from ._result import Result, ResultDict, full_of, result_dict

MIN_RENEW_WINDOW = 120
MAX_RENEW_WINDOW = 1200
#: A token given to the constructor is taken as just minted, as FalconPy takes it.
GIVEN_TOKEN_LIFETIME = 1799

Returned = Union[ResultDict, Result]


class NoAuthenticationMechanism(UserWarning):
    """Neither credentials nor a token were given or found in the environment."""


class FalconInterface:  # pylint: disable=too-many-instance-attributes
    """Credentials, settings and token state, with FalconPy's constructor keywords.

    Keyword arguments
    ----
    access_token : str
        A token to use as is (never refreshed).
    base_url : str
        A URL, a host, or a cloud name (``"us2"``, ``"US-2"``, ``"usgov1"``...). [Default: US-1]
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
    renew_window : int
        Seconds before expiry a token is renewed (clamped to 120..1200).
    debug : bool or Logger
        Log operations and results (secrets are always redacted).
    debug_record_count, sanitize_log : accepted for compatibility (logs are always sanitized).
    pythonic : bool
        Return Result objects and raise APIError on an API error.
    environment : dict
        ``prefix``, ``id_name``, ``secret_name`` of the environment variables to read credentials from.
    token_cache : str or dict
        Ours: where tokens are shared between processes (``"file"``, a Redis URL...; see the README).
    """

    # pylint: disable=too-many-arguments,too-many-locals
    def __init__(self,
                 access_token: Optional[Union[str, bool]] = False,
                 base_url: Optional[str] = "https://api.crowdstrike.com",
                 ssl_verify: Optional[Union[bool, str]] = True,
                 proxy: Optional[Dict[str, str]] = None,
                 timeout: _settings.Timeout = None,
                 creds: Optional[Union[Dict[str, str], str]] = None,
                 client_id: Optional[str] = None,
                 client_secret: Optional[str] = None,
                 user_agent: Optional[str] = None,
                 member_cid: Optional[str] = None,
                 renew_window: Optional[int] = 120,
                 debug: Optional[Union[bool, Logger]] = False,
                 debug_record_count: Optional[int] = None,
                 sanitize_log: Optional[bool] = None,
                 pythonic: Optional[bool] = None,
                 environment: Optional[Dict[str, str]] = None,
                 token_cache: Optional[Union[str, Dict[str, Any]]] = None):
        """Construct an instance: read every keyword, send nothing."""
        del debug_record_count, sanitize_log  # results here hold no record lists; logs are always sanitized
        self._lock = threading.RLock()
        self._log = SafeLog(debug)
        self._pythonic = pythonic if isinstance(pythonic, bool) else False
        self._base_url, self._cloud = _settings.read_base_url(base_url)
        # The connection keeps the configured endpoint: the plugin's session follows the region
        # itself, and a custom base URL is never replaced.
        self._configured = {"cloud": self._cloud} if self._cloud else {"base_url": self._base_url}
        self._ssl_verify = ssl_verify
        self._proxy = proxy
        self._timeout = timeout
        if user_agent is not None and not isinstance(user_agent, str):
            raise TypeError("user_agent must be text, e.g. 'acme-soar/2.1'")
        self._user_agent = user_agent
        if not isinstance(renew_window, int) or isinstance(renew_window, bool):
            raise TypeError("renew_window must be a whole number of seconds")
        self._renew_window = max(min(renew_window, MAX_RENEW_WINDOW), MIN_RENEW_WINDOW)
        self._settings: Dict[str, Any] = {}
        for part in (_settings.read_tls(ssl_verify), _settings.read_proxy(proxy), _settings.read_timeout(timeout),
                     _settings.read_token_cache(token_cache)):
            self._settings.update(part)
        if user_agent:
            self._settings["user_agent"] = user_agent
        self._settings["renewal_window_s"] = self._renew_window

        self._token_value: Optional[str] = None
        self._token_expiration = 0
        self._token_time = 0.0
        self._token_status: Optional[int] = None
        self._token_fail_reason: Optional[str] = None
        self._creds = _settings.read_creds(client_id, client_secret, creds, member_cid)
        if not self.cred_format_valid and access_token:
            self._set_token(str(access_token), GIVEN_TOKEN_LIFETIME, 201)
        if not self.cred_format_valid and not self._token_value:
            self._creds = _settings.creds_from_environment(self._creds, environment, member_cid)
        for secret in (self._creds.get("client_secret"), self._token_value, self._settings.get("token_cache_password")):
            self._log.secret(secret)
        if not self.cred_format_valid and not self._token_value:
            message = "No authentication mechanism: give client_id and client_secret, creds, access_token, or FALCON_CLIENT_ID and FALCON_CLIENT_SECRET"
            if self._pythonic:
                warnings.warn(message, NoAuthenticationMechanism, stacklevel=3)
            self._log.warning(message)

    # ---- the token's state

    def _set_token(self, value: Optional[str], expiration: int, status: Optional[int]) -> None:
        with self._lock:
            self._token_value = value
            self._token_expiration = expiration
            self._token_status = status
            self._token_time = time.time() if value else 0.0
            self._token_fail_reason = None
        self._log.secret(value)

    def _fail_token(self, status: int, reason: Optional[str]) -> None:
        with self._lock:
            self._set_token(None, 0, status)
            self._token_fail_reason = reason

    def _remember(self, result: ResultDict) -> None:
        """A token result changes the state, as FalconPy's stateful login does."""
        body = result["body"] if isinstance(result["body"], dict) else {}
        if result["status_code"] == 201 and body.get("access_token"):
            self._set_token(body["access_token"], int(body.get("expires_in", 0)), 201)
            region = result["headers"].get("X-Cs-Region", "")
            if self._cloud and region in _settings.CLOUD_URLS:
                with self._lock:
                    self._base_url = _settings.CLOUD_URLS[region]
        else:
            errors = body.get("errors") or [{}]
            self._fail_token(result["status_code"], errors[0].get("message"))

    # ---- calls into the plugin

    def _connection(self, creds: Optional[Dict[str, Any]] = None) -> Dict[str, Any]:
        creds = creds or self._creds
        connection: Dict[str, Any] = {"client_id": creds["client_id"], "client_secret": creds["client_secret"]}
        if creds.get("member_cid"):
            connection["member_cid"] = creds["member_cid"]
        connection.update(self._configured)
        connection.update(self._settings)
        return connection

    def _call(self, operation: str, action_input: Dict[str, Any], creds: Optional[Dict[str, Any]] = None) -> Returned:
        """One action through the plugin (with ``creds`` instead of the object's); the result in
        FalconPy's shape."""
        self._log.debug("OPERATION: %s", operation)
        output = plugin().invoke(operation, action_input, self._connection(creds))
        body = output.get("body")
        if isinstance(body, dict) and body.get("access_token"):
            self._log.secret(body["access_token"])
        result = result_dict(output["status_code"], output.get("headers"), body)
        self._log.debug("STATUS CODE: %i", result["status_code"])
        self._log.debug("RESULT: %s", result)
        # Whatever the plugin answers counts as the API's answer (a refused input included).
        return self._finish(result, from_api=True)

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

    def _refused(self, refusal: Optional[SDKError] = None) -> Returned:
        """A refusal of the SDK's own, nothing sent: by default FalconPy's 403 for no usable
        credentials."""
        refusal = refusal or InvalidCredentials()
        self._log.error("%s", refusal.message)
        return self._finish(refusal.result)

    def _login_handler(self, stateful: bool = True, force: bool = False) -> Returned:
        if not self.cred_format_valid:
            if stateful:
                self._fail_token(403, "Invalid credentials")
            return self._refused()
        try:
            returned = self._call("oauth2AccessToken", {"force": True} if force else {})
        except APIError as api_error:
            if stateful:
                self._fail_token(api_error.code, api_error.message)
            raise
        if stateful:
            self._remember(full_of(returned))
        return returned

    def _logout_handler(self, token_value: Optional[str] = None, stateful: bool = True, client_id: Optional[str] = None) -> Returned:
        if not self.cred_format_valid:
            return self._refused()
        token_value = token_value or self._token_value
        self._log.secret(token_value)
        revoke: Dict[str, Any] = {"token": token_value} if token_value else {}
        if client_id:
            revoke["client_id"] = client_id
        try:
            return self._call("oauth2RevokeToken", revoke)
        finally:
            if stateful:
                self._set_token(None, 0, None)

    # ---- FalconPy's properties

    @property
    def creds(self) -> Dict[str, Any]:
        """The credentials in use."""
        return self._creds

    @property
    def cred_format_valid(self) -> bool:
        """Whether a client ID and secret (as text) are there."""
        return isinstance(self._creds.get("client_id"), str) and isinstance(self._creds.get("client_secret"), str)

    @property
    def refreshable(self) -> bool:
        """Whether a stale token can be renewed (credentials, not a bare token)."""
        return self.cred_format_valid

    @property
    def base_url(self) -> str:
        """The cloud's base URL: after autodiscovery, the home cloud's (a custom URL stays)."""
        return self._base_url

    @property
    def ssl_verify(self) -> Union[bool, str]:
        """As given."""
        return self._ssl_verify

    @property
    def proxy(self) -> Optional[Dict[str, str]]:
        """As given."""
        return self._proxy

    @property
    def timeout(self) -> _settings.Timeout:
        """As given."""
        return self._timeout

    @property
    def user_agent(self) -> Optional[str]:
        """As given."""
        return self._user_agent

    @property
    def renew_window(self) -> int:
        """Seconds before expiry a token is renewed (120..1200)."""
        return self._renew_window

    @property
    def pythonic(self) -> bool:
        """Whether results are Result objects and API errors raise."""
        return self._pythonic

    @property
    def debug(self) -> bool:
        """Whether anything is logged."""
        return bool(self._log)

    @property
    def log(self) -> Optional[Logger]:
        """The logger, when debugging."""
        return self._log.logger

    @property
    def token_value(self) -> Optional[str]:
        """The current token, or None."""
        return self._token_value

    @property
    def token_status(self) -> Optional[int]:
        """The status of the last token request (201 when a token was issued)."""
        return self._token_status

    @property
    def token_expiration(self) -> int:
        """The current token's lifetime in seconds, from when it was received."""
        return self._token_expiration

    @property
    def token_time(self) -> float:
        """When the current token was received (epoch seconds)."""
        return self._token_time

    @property
    def token_fail_reason(self) -> Optional[str]:
        """Why the last token request failed."""
        return self._token_fail_reason

    @property
    def token_stale(self) -> bool:
        """Whether the token is missing or inside its renewal window."""
        with self._lock:
            return (time.time() - self._token_time) >= (self._token_expiration - self._renew_window)

    @property
    def token_valid(self) -> bool:
        """Whether the token is good for a while yet."""
        return not self.token_stale

    @property
    def auth_headers(self) -> Dict[str, str]:
        """``{"Authorization": "Bearer ..."}``, renewing a stale token first (once for all threads)."""
        if self.token_stale and self.refreshable:
            self.login()
        return {"Authorization": f"Bearer {self._token_value}"}

    def login(self) -> Any:
        """Get a token and keep it: the session's own while fresh, else one request for all threads."""
        return self._login_handler(stateful=True)

    def authenticated(self) -> bool:
        """Whether the token is valid."""
        return self.token_valid

    def token_expired(self) -> bool:
        """Whether the token is stale."""
        return self.token_stale

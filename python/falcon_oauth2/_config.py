"""Where and how the API is reached, with FalconPy's InterfaceConfiguration members: every value
is checked when it is set, and the plugin's connection object follows it."""
from __future__ import annotations

from . import _settings
from ._types import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import Any, Dict, Optional, Union

    from ._types import Timeout


class InterfaceConfiguration:  # pylint: disable=too-many-instance-attributes
    """``base_url``, ``ssl_verify``, ``proxy``, ``timeout``, ``user_agent`` and the token cache."""

    # pylint: disable=too-many-arguments
    def __init__(self, base_url: Any = "https://api.crowdstrike.com", proxy: Optional[Dict[str, str]] = None,
                 timeout: Timeout = None, user_agent: Optional[str] = None,
                 ssl_verify: Any = True, token_cache: Any = None):
        """Read every value as its setter does; a wrong one raises."""
        self._token_cache = _settings.read_token_cache(token_cache)
        self.base_url = base_url
        self.proxy = proxy
        self.timeout = timeout
        self.user_agent = user_agent
        self.ssl_verify = ssl_verify

    @property
    def base_url(self) -> str:
        """The API's base URL: after a login to a cloud, the home cloud's (a custom URL stays)."""
        return self._base_url

    @base_url.setter
    def base_url(self, value: Any) -> None:
        self._base_url, self._cloud = _settings.read_base_url(value)
        # The plugin follows the region itself; a custom base URL is never replaced.
        self._endpoint = {"cloud": self._cloud} if self._cloud else {"base_url": self._base_url}

    @property
    def cloud(self) -> Optional[str]:
        """The configured cloud (``us-1``...), or None for a custom base URL."""
        return self._cloud

    def discovered(self, region: str) -> None:
        """The API announced the client's home region: a cloud's base URL follows it."""
        if self._cloud and region in _settings.CLOUD_URLS:
            self._base_url = _settings.CLOUD_URLS[region]

    @property
    def proxy(self) -> Optional[Dict[str, str]]:
        """requests-style proxies, as given."""
        return self._proxy

    @proxy.setter
    def proxy(self, value: Optional[Dict[str, str]]) -> None:
        self._proxy_settings = _settings.read_proxy(value)
        self._proxy = value

    @property
    def timeout(self) -> Timeout:
        """Seconds, or a (connect, read) pair, as given."""
        return self._timeout

    @timeout.setter
    def timeout(self, value: Timeout) -> None:
        self._timeout_settings = _settings.read_timeout(value)
        self._timeout = value

    @property
    def user_agent(self) -> Optional[str]:
        """Your product's token, as given."""
        return self._user_agent

    @user_agent.setter
    def user_agent(self, value: Optional[str]) -> None:
        if value is not None and not isinstance(value, str):
            raise TypeError("user_agent must be text, e.g. 'acme-soar/2.1'")
        self._user_agent = value

    @property
    def ssl_verify(self) -> Union[bool, str]:
        """True, False, or the path of the CA bundle to trust, as given."""
        return self._ssl_verify

    @ssl_verify.setter
    def ssl_verify(self, value: Any) -> None:
        self._tls_settings = _settings.read_tls(value)  # a value that is neither raises here
        self._ssl_verify: Union[bool, str] = value

    @property
    def token_cache_password(self) -> Optional[str]:
        """The shared store's password, from the environment."""
        return self._token_cache.get("token_cache_password")

    def connection(self, renew_window: float) -> Dict[str, Any]:
        """The plugin's connection object, without the credentials."""
        connection: Dict[str, Any] = dict(self._endpoint)
        for part in (self._tls_settings, self._proxy_settings, self._timeout_settings, self._token_cache):
            connection.update(part)
        if self._user_agent:
            connection["user_agent"] = self._user_agent
        connection["renewal_window_s"] = int(renew_window)
        return connection

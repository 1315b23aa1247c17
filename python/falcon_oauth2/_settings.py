"""FalconPy's constructor keywords, read into the plugin's connection object."""
from __future__ import annotations

import os

from . import _jsontext
from ._errors import InvalidBaseURL, InvalidCredentialFormat
from ._types import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import Any, Dict, Optional, Tuple

    from ._types import Timeout

#: The plugin's clouds by FalconPy's names (``US1``, ``US-2``, ``usgov1``...; case and dashes
#: do not matter) and their base URLs. ``AUTO`` is us-1 with autodiscovery, as in FalconPy.
CLOUDS: Dict[str, Tuple[str, str]] = {
    "US1": ("us-1", "https://api.crowdstrike.com"),
    "US2": ("us-2", "https://api.us-2.crowdstrike.com"),
    "US3": ("us-3", "https://api.us-3.crowdstrike.com"),
    "EU1": ("eu-1", "https://api.eu-1.crowdstrike.com"),
    "USGOV1": ("us-gov-1", "https://api.laggar.gcw.crowdstrike.com"),
    "USGOV2": ("us-gov-2", "https://api.us-gov-2.crowdstrike.mil"),
    "AUTO": ("us-1", "https://api.crowdstrike.com"),
    # The connection schema's aliases (its ``x-aliases``).
    "GOV1": ("us-gov-1", "https://api.laggar.gcw.crowdstrike.com"),
    "GOV2": ("us-gov-2", "https://api.us-gov-2.crowdstrike.mil"),
}
#: By the region the API announces (``X-Cs-Region: us-2``).
CLOUD_URLS: Dict[str, str] = {name: url for name, url in CLOUDS.values()}

MIN_RENEW_WINDOW = 120
MAX_RENEW_WINDOW = 1200

#: A call's whole budget when the timeouts alone would allow less (the plugin's default).
DEFAULT_CALL_TIMEOUT_S = 60.0


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def read_base_url(base_url: Any) -> Tuple[str, Optional[str]]:
    """FalconPy's ``base_url``: a URL, a host, or a cloud name. Returns (base URL, cloud or None).

    A value with neither ``://`` nor a dot is a cloud name; one that names no cloud is refused
    here rather than sent to a host of that name.
    """
    if not isinstance(base_url, str) or not base_url:
        raise InvalidBaseURL()
    if "://" in base_url:
        url = base_url.rstrip("/")
        for cloud, canonical in CLOUDS.values():
            if url.lower() == canonical:
                return canonical, cloud
        return url, None
    name = base_url.upper().replace("-", "")
    if name in CLOUDS:
        cloud, url = CLOUDS[name]
        return url, cloud
    if "." not in base_url:
        raise InvalidBaseURL(message=f"Invalid base URL address specified: unknown cloud {base_url!r} "
                             f"(one of {', '.join(CLOUDS)}, or a URL)")
    return "https://" + base_url.rstrip("/"), None


def read_renew_window(renew_window: Any) -> float:
    """Seconds before expiry a token is renewed: any number FalconPy takes (``300``, ``300.0``,
    ``True``), clamped to 120..1200 as FalconPy clamps it."""
    if not isinstance(renew_window, (int, float)):
        raise TypeError("renew_window must be a number of seconds")
    return max(min(renew_window, MAX_RENEW_WINDOW), MIN_RENEW_WINDOW)


def read_creds(client_id: Any, client_secret: Any, creds: Any, member_cid: Any) -> Dict[str, Any]:
    """FalconPy's order: the keywords, else ``creds`` (a dictionary or its JSON text)."""
    if client_id and client_secret and not creds:
        given = {"client_id": client_id, "client_secret": client_secret}
        if member_cid:
            given["member_cid"] = member_cid
        return given
    if not creds:
        return {}
    if isinstance(creds, str):
        try:
            parsed = _jsontext.loads(creds.replace("'", '"'))
        except ValueError as bad:
            raise InvalidCredentialFormat() from bad
        if not isinstance(parsed, dict):
            raise InvalidCredentialFormat()
        return parsed
    if isinstance(creds, dict):
        return dict(creds)
    raise InvalidCredentialFormat()


def creds_from_environment(creds: Dict[str, Any], environment: Optional[Dict[str, str]], member_cid: Any) -> Dict[str, Any]:
    """FalconPy's environment authentication: ``FALCON_CLIENT_ID`` and ``FALCON_CLIENT_SECRET``
    (prefix and names changeable through ``environment``), both present or neither used."""
    names = environment or {}
    prefix = names.get("prefix", "FALCON_")
    client_id = os.getenv(prefix + names.get("id_name", "CLIENT_ID"))
    client_secret = os.getenv(prefix + names.get("secret_name", "CLIENT_SECRET"))
    if not (client_id and client_secret):
        return creds
    found = {"client_id": creds.get("client_id", client_id), "client_secret": creds.get("client_secret", client_secret)}
    if member_cid:
        found["member_cid"] = member_cid
    return found


def read_timeout(timeout: Timeout) -> Dict[str, float]:
    """A number (connect and read alike, as requests reads it) or a ``(connect, read)`` pair."""
    if timeout is None:
        return {}
    if isinstance(timeout, (int, float)) and not isinstance(timeout, bool):
        connect = read = float(timeout)
    elif isinstance(timeout, (tuple, list)) and len(timeout) == 2 and all(_number(part) for part in timeout):
        connect, read = float(timeout[0]), float(timeout[1])
    else:
        raise TypeError("timeout must be a number of seconds or a (connect, read) tuple of them")
    # The plugin bounds a whole call too; never tighter than what the two timeouts allow.
    return {"connect_timeout_s": connect, "read_timeout_s": read, "call_timeout_s": max(DEFAULT_CALL_TIMEOUT_S, connect + read)}


def read_tls(ssl_verify: Any) -> Dict[str, Any]:
    """``True``/``False``, or the path of a CA bundle to trust (which is honoured)."""
    if isinstance(ssl_verify, bool):
        return {"verify_tls": ssl_verify}
    if isinstance(ssl_verify, str) and ssl_verify:
        return {"verify_tls": True, "ca_bundle": ssl_verify}
    raise TypeError("ssl_verify must be True, False or the path of a CA bundle")


def read_proxy(proxy: Any) -> Dict[str, str]:
    """A requests-style dictionary; the API is reached over https, so its ``https`` (or ``all``) entry."""
    if proxy is None:
        return {}
    if not isinstance(proxy, dict):
        raise TypeError('proxy must be a dictionary such as {"https": "http://proxy:3128"}')
    url = proxy.get("https") or proxy.get("all")
    return {"proxy": url} if url else {}


def read_token_cache(token_cache: Any) -> Dict[str, Any]:
    """Ours: the shared token cache (see the README); ``FALCON_TOKEN_CACHE`` when not given."""
    given = token_cache if token_cache is not None else os.getenv("FALCON_TOKEN_CACHE")
    settings: Dict[str, Any] = {}
    if given is not None:
        if not isinstance(given, (str, dict)):
            raise TypeError('token_cache must be "memory", "file", "file:/DIR", a Redis URL, or a dictionary')
        settings["token_cache"] = given
    password = os.getenv("FALCON_TOKEN_CACHE_PASSWORD")
    if password:
        settings["token_cache_password"] = password
    return settings

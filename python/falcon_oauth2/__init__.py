"""The Falcon OAuth2 actions behind FalconPy's interface.

Switch from FalconPy by changing one import::

    from falcon_oauth2 import OAuth2          # was: from falconpy import OAuth2
    auth = OAuth2(client_id=..., client_secret=...)
    auth.token()                              # {"status_code": 201, "headers": {...}, "body": {...}}
"""
from ._configured import VERSION as __version__
from ._errors import (APIError, CannotRevokeToken, FalconPyRequired, InvalidBaseURL, InvalidCredentialFormat, InvalidCredentials,
                      InvalidOperation, SDKError, TokenNotSpecified)
from ._interface import NoAuthenticationMechanism
from ._plugin import PluginNotFound, PluginUnusable, invoke
from ._result import Result
from .oauth2 import OAuth2
from .uber import APIHarnessV2

__all__ = ["OAuth2", "APIHarnessV2", "Result", "SDKError", "APIError", "InvalidCredentials", "InvalidCredentialFormat",
           "InvalidBaseURL", "InvalidOperation", "TokenNotSpecified", "CannotRevokeToken", "NoAuthenticationMechanism",
           "PluginNotFound", "PluginUnusable", "FalconPyRequired", "invoke", "__version__"]

# -*- coding: utf-8 -*-
"""What every module of the collection does: the connection and the input from the module's
options, one call through the falcon_oauth2 Python package into the plugin, the result."""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

import traceback

try:
    import falcon_oauth2
    IMPORT_ERROR = None
except ImportError:  # pragma: no cover - reported by the module
    falcon_oauth2 = None
    IMPORT_ERROR = traceback.format_exc()

from ansible.module_utils.basic import missing_required_lib


def require_package(module):
    """Fail the task when the falcon_oauth2 package (python3-falcon-oauth2) is missing."""
    if falcon_oauth2 is None:
        module.fail_json(msg=missing_required_lib("falcon_oauth2 (Debian: python3-falcon-oauth2)"), exception=IMPORT_ERROR)


def connection_of(module, connection_options):
    """The plugin's connection object: every connection option that has a value."""
    return dict((name, module.params[name]) for name in connection_options if module.params.get(name) is not None)


def invoke(module, operation, action_input, connection):
    """One call into the plugin; a missing or foreign module fails the task with its reason."""
    require_package(module)
    try:
        return falcon_oauth2.invoke(operation, action_input, connection)
    except falcon_oauth2.PluginNotFound as missing:
        module.fail_json(msg=str(missing))


def failure_message(output):
    """The error's own words (they name the field for a refused input), or the status."""
    error = output.get("error") or {}
    return error.get("message") or "the call failed with status %d" % output.get("status_code", 0)


def run_action(module, operation, connection_options, input_options, changes):
    """Runs `operation` with the module's options; exits the module with the action's output.

    `input_options` maps option names to input field names; `changes` says whether a success
    changes anything (a revoke does; a token request does not, as crowdstrike.falcon.auth says).
    """
    connection = connection_of(module, connection_options)
    action_input = dict((field, module.params[option]) for option, field in input_options.items() if module.params.get(option) is not None)
    if module.check_mode:
        where = connection.get("base_url") or connection.get("cloud") or "the default cloud"
        module.exit_json(changed=changes, msg="would run %s against %s; nothing was sent (check mode)" % (operation, where))
    output = invoke(module, operation, action_input, connection)
    if not 200 <= output.get("status_code", 0) < 300:
        module.fail_json(msg=failure_message(output), **output)
    module.exit_json(changed=changes, **output)


def run_auth(module, connection_options):
    """crowdstrike.falcon.auth's behaviour: generate returns {access_token, cloud}, revoke revokes
    (one call, where theirs makes three); never reports a change."""
    connection = connection_of(module, connection_options)
    if module.params.get("ext_headers"):
        module.warn("ext_headers is accepted for compatibility with crowdstrike.falcon.auth; the OAuth2 routes take no extra headers, so none are sent")
    result = dict(changed=False, auth=dict(access_token=None, cloud=None))
    if module.check_mode:
        module.exit_json(msg="would %s a token; nothing was sent (check mode)" % module.params["action"], **result)
    if module.params["action"] == "generate":
        output = invoke(module, "oauth2AccessToken", {}, connection)
        if output.get("status_code") != 201:
            module.fail_json(msg=failure_message(output), **result)
        headers = output.get("headers") or {}
        # After autodiscovery: the cloud the API says the credentials belong to.
        result["auth"] = dict(access_token=output["body"]["access_token"], cloud=headers.get("X-Cs-Region") or module.params.get("cloud"))
    else:
        output = invoke(module, "oauth2RevokeToken", {"token": module.params["access_token"]}, connection)
        if output.get("status_code") != 200:
            module.fail_json(msg=failure_message(output), **result)
    module.exit_json(**result)

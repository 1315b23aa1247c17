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


def api_errors(output):
    """The API's errors from the reply's body, as crowdstrike.falcon's modules return them."""
    body = output.get("body")
    errors = body.get("errors") if isinstance(body, dict) else None
    return errors if isinstance(errors, list) else []


def failure_message(output):
    """The API's own message first, as crowdstrike.falcon's modules report it; else the
    plugin's (it names the field for a refused input), else the status."""
    for error in api_errors(output):
        if isinstance(error, dict) and error.get("message"):
            return error["message"]
    error = output.get("error") or {}
    return error.get("message") or "the call failed with status %d" % output.get("status_code", 0)


def fail(module, output, **result):
    """Fail the task with the output, the API's errors and its message."""
    result.update(output)
    result["errors"] = api_errors(output)
    module.fail_json(msg=failure_message(output), **result)


def run_action(module, operation, connection_options, input_options, changes):
    """Runs `operation` with the module's options; exits the module with the action's output.

    `input_options` maps option names to input field names; `changes` says whether a success
    changes anything (a revoke does; a token request does not, as crowdstrike.falcon.auth says,
    so it runs in check mode too: the next task needs its token).
    """
    connection = connection_of(module, connection_options)
    action_input = dict((field, module.params[option]) for option, field in input_options.items() if module.params.get(option) is not None)
    if module.check_mode and changes:
        where = connection.get("base_url") or connection.get("cloud") or "the default cloud"
        module.exit_json(changed=changes, msg="would run %s against %s; nothing was sent (check mode)" % (operation, where))
    output = invoke(module, operation, action_input, connection)
    if not 200 <= output.get("status_code", 0) < 300:
        fail(module, output, changed=False)
    module.exit_json(changed=changes, **output)


def run_auth(module, connection_options):
    """crowdstrike.falcon.auth's behaviour: generate returns {access_token, cloud} (in check mode
    too, as theirs does), revoke revokes (one call, where theirs makes three; skipped in check
    mode); never reports a change. With a base URL, auth.cloud is that URL: the next
    crowdstrike.falcon module takes it as its base_url and reaches the same API."""
    connection = connection_of(module, connection_options)
    if module.params.get("ext_headers"):
        module.warn("ext_headers is accepted for compatibility with crowdstrike.falcon.auth; the OAuth2 routes take no extra headers, so none are sent")
    result = dict(changed=False, auth=dict(access_token=None, cloud=None))
    if module.params["action"] == "generate":
        output = invoke(module, "oauth2AccessToken", {}, connection)
        if output.get("status_code") != 201:
            fail(module, output, **result)
        headers = output.get("headers") or {}
        # After autodiscovery: the cloud the API says the credentials belong to.
        cloud = connection.get("base_url") or headers.get("X-Cs-Region") or module.params.get("cloud")
        result["auth"] = dict(access_token=output["body"]["access_token"], cloud=cloud)
    elif module.check_mode:
        module.exit_json(msg="would revoke a token; nothing was sent (check mode)", **result)
    else:
        output = invoke(module, "oauth2RevokeToken", {"token": module.params["access_token"]}, connection)
        if output.get("status_code") != 200:
            fail(module, output, **result)
    module.exit_json(**result)

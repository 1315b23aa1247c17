"""Writes the Ansible collection falcon_native.oauth2 from the plugin's schemas: one module per
action (token, revoke) and auth, crowdstrike.falcon.auth's compatible replacement. The connection
options are shared, as CrowdStrike's collection shares its credentials: one doc fragment
(plugins/doc_fragments/connection.py) and one argument-spec module
(plugins/module_utils/connection_spec.py). Options, their types, choices, defaults, secrecy and
environment fallbacks come from the schemas; only auth's own options and the examples are
written here."""
from typing import Any, Dict, List, Tuple

import yaml

from output import LICENSE_ID, copy_fixed, copy_license, fresh, write
from schemas import ActionSchema, Field, PluginSchemas

NAMESPACE = "falcon_native"
NAME = "oauth2"
FRAGMENT = f"{NAMESPACE}.{NAME}.connection"
TYPES = {"string": "str", "integer": "int", "number": "float", "boolean": "bool", "object": "dict", "array": "list"}
#: crowdstrike.falcon's spellings of the credentials, taken by every module.
ALIASES = {"client_id": ["falcon_client_id"], "client_secret": ["falcon_client_secret"]}
#: Fields whose spelling the plugin judges (case, dashes, aliases): Ansible's choices are exact,
#: so they are listed in the description, and a wrong value is refused by the plugin, named.
SPELLED_BY_THE_PLUGIN = ("cloud",)

Option = Tuple[str, Dict[str, Any], Dict[str, Any]]

EXAMPLES = {
    "oauth2AccessToken": """- name: Get a token (one per play with the file token cache)
  falcon_native.oauth2.token:
    client_id: "{{ falcon_client_id }}"
    client_secret: "{{ falcon_client_secret }}"
    token_cache: file
  register: minted
  no_log: true   # the registered result holds the token

- name: Mint a new one whatever is cached
  falcon_native.oauth2.token:
    force: true
  no_log: true
""",
    "oauth2RevokeToken": """- name: Revoke a token
  falcon_native.oauth2.revoke:
    token: "{{ minted.body.access_token }}"
""",
}

AUTH_EXAMPLES = """- name: Generate Authentication Credentials (access token and cloud region)
  falcon_native.oauth2.auth:
  register: falcon
  no_log: true

- name: Generate Authentication Credentials with specific member CID
  falcon_native.oauth2.auth:
    member_cid: "{{ member_cid_var }}"

- name: Revoke an OAuth2 token
  falcon_native.oauth2.auth:
    action: revoke
    access_token: "{{ access_token_var }}"
"""


def ansible_type(field: Field) -> str:
    """The option's type; a field of several JSON types takes any value (raw)."""
    return TYPES[field.types[0]] if len(field.types) == 1 else "raw"


def description(field: Field, environment: bool) -> List[str]:
    lines = [field.description]
    if field.name in SPELLED_BY_THE_PLUGIN and field.choices:
        lines.append("One of " + ", ".join(f"C({choice})" for choice in field.choices) + "; any spelling the plugin takes "
                     "(C(US-2), C(us2), C(USGOV1)...); another value fails the task, naming the option.")
    if environment:
        lines.append(f"Falls back to the environment variable C({field.environment_variable}), as falcon-host does.")
    if field.secret:
        lines.append("A secret: never logged (C(no_log)).")
    elif field.secret_inside:
        lines.append("Its object form can hold a secret, so the whole value is never logged (C(no_log)).")
    return lines


def option(field: Field, environment: bool, required: bool) -> Tuple[Dict[str, Any], Dict[str, Any]]:
    """One option: its DOCUMENTATION entry and its argument spec entry (with the fallback's
    variable under "env", rendered as env_fallback)."""
    doc: Dict[str, Any] = {"description": description(field, environment), "type": ansible_type(field)}
    spec: Dict[str, Any] = {"type": ansible_type(field)}
    if required:
        doc["required"] = spec["required"] = True
    if field.name in ALIASES and environment:
        doc["aliases"] = spec["aliases"] = ALIASES[field.name]
    if field.choices and field.name not in SPELLED_BY_THE_PLUGIN:
        doc["choices"] = spec["choices"] = field.choices
    if field.default is not None and not required:
        doc["default"] = spec["default"] = field.default
    if field.secret or field.secret_inside:
        spec["no_log"] = True
    if environment:
        spec["env"] = field.environment_variable
    return doc, spec


def connection_options(schemas: PluginSchemas) -> List[Option]:
    """Every connection field as an option, its environment variable the fallback."""
    return [(field.name, *option(field, environment=True, required=field.required)) for field in schemas.connection]


def input_options(schemas: PluginSchemas, action: ActionSchema) -> Tuple[List[Option], Dict[str, str]]:
    """The input fields; one named like a connection field is offered as input_<name>."""
    taken = {field.name for field in schemas.connection}
    options, names = [], {}
    for field in action.inputs:
        name = f"input_{field.name}" if field.name in taken else field.name
        doc, spec = option(field, environment=False, required=field.required)
        options.append((name, doc, spec))
        names[name] = field.name
    return options, names


def render_spec(options: List[Option], variable: str) -> str:
    """An argument spec as Python source, env_fallback written out."""
    lines = [f"{variable} = dict("]
    for name, _, spec in options:
        parts = [f"{key}={value!r}" for key, value in spec.items() if key != "env"]
        if "env" in spec:
            parts.append(f"fallback=(env_fallback, [{spec['env']!r}])")
        lines.append(f"    {name}=dict({', '.join(parts)}),")
    lines.append(")")
    return "\n".join(lines)


def dump(value: Any) -> str:
    return yaml.safe_dump(value, sort_keys=False, width=100)


def connection_fragment(schemas: PluginSchemas) -> str:
    """The doc fragment every module extends: the connection options."""
    options = {name: doc for name, doc, _ in connection_options(schemas)}
    return f'''# -*- coding: utf-8 -*-
# Generated by engines/ansible_collection.py from schema/: do not edit.
from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):  # pylint: disable=too-few-public-methods
    """The plugin's connection: where the Falcon API is and how to reach it."""

    DOCUMENTATION = r"""
{dump({"options": options, "requirements": ["the falcon_oauth2 Python package and the plugin module (Debian: python3-falcon-oauth2)"]})}"""
'''


def connection_spec(schemas: PluginSchemas) -> str:
    """The argument-spec module every module merges: the connection options."""
    options = connection_options(schemas)
    return f'''# -*- coding: utf-8 -*-
# Generated by engines/ansible_collection.py from schema/: do not edit.
"""The plugin's connection options, shared by every module of the collection."""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.module_utils.basic import env_fallback

{render_spec(options, "CONNECTION_SPEC")}

CONNECTION_OPTIONS = {[name for name, _, _ in options]!r}
'''


def returns(action: ActionSchema) -> Dict[str, Any]:
    documented = {}
    for field in action.outputs:
        documented[field.name] = {"description": [field.description], "returned": "failure" if field.name == "error" else "always",
                                  "type": ansible_type(field)}
    documented["errors"] = {"description": ["The API's errors, as crowdstrike.falcon's modules return them."], "returned": "failure", "type": "list"}
    documented["changed"] = {"description": ["True for a successful revoke; a token request changes nothing."], "returned": "always", "type": "bool"}
    return documented


def documentation(module: str, short: str, lines: List[str], options: List[Option], check_mode: str) -> Dict[str, Any]:
    return {"module": module, "short_description": short, "version_added": "0.1.0", "description": lines,
            "options": {name: doc for name, doc, _ in options},
            "extends_documentation_fragment": [FRAGMENT],
            "notes": [check_mode, "Generated from the plugin's schemas (schema/); do not edit."],
            "author": ["Falcon native OAuth2 maintainers"]}


def module_source(doc: Dict[str, Any], examples: str, returned: Dict[str, Any], options: List[Option], body: str) -> str:
    return f'''#!/usr/bin/python
# -*- coding: utf-8 -*-
# Generated by engines/ansible_collection.py from schema/: do not edit.
from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
{dump(doc)}"""

EXAMPLES = r"""
{examples}"""

RETURN = r"""
{dump(returned)}"""

from ansible.module_utils.basic import AnsibleModule  # noqa: E402
from ansible_collections.{NAMESPACE}.{NAME}.plugins.module_utils.connection_spec import CONNECTION_OPTIONS, CONNECTION_SPEC  # noqa: E402
from ansible_collections.{NAMESPACE}.{NAME}.plugins.module_utils.plugin_call import run_action, run_auth  # noqa: E402,F401

{render_spec(options, "MODULE_SPEC")}

ARGUMENT_SPEC = dict(CONNECTION_SPEC, **MODULE_SPEC)

{body}

if __name__ == "__main__":
    main()
'''


def action_module(schemas: PluginSchemas, action: ActionSchema) -> str:
    given, names = input_options(schemas, action)
    changes = action.operation_id == "oauth2RevokeToken"
    body = f'''INPUT_OPTIONS = {names!r}


def main():
    module = AnsibleModule(argument_spec=ARGUMENT_SPEC, supports_check_mode=True)
    run_action(module, {action.operation_id!r}, CONNECTION_OPTIONS, INPUT_OPTIONS, changes={changes!r})'''
    check_mode = ("Supports check mode: nothing is revoked, the task says what it would do." if changes else
                  "Runs in check mode too, as crowdstrike.falcon.auth does: a token request changes nothing.")
    doc = documentation(action.alias, action.title, [action.description, f"Runs the plugin's C({action.operation_id}) action."], given, check_mode)
    return module_source(doc, EXAMPLES[action.operation_id], returns(action), given, body)


def auth_module() -> str:
    own: List[Option] = [
        ("action", {"description": ["C(generate) returns an access token and its cloud; C(revoke) revokes I(access_token)."], "type": "str",
                    "choices": ["generate", "revoke"], "default": "generate"},
         {"type": "str", "choices": ["generate", "revoke"], "default": "generate"}),
        ("access_token", {"description": ["The OAuth2 access token to revoke.", "Required if I(action=revoke)."], "type": "str"},
         {"type": "str", "no_log": True}),
        ("ext_headers", {"description": ["Accepted for compatibility; the OAuth2 routes take no extra headers, so none are sent."], "type": "dict"},
         {"type": "dict"}),
    ]
    body = '''def main():
    module = AnsibleModule(argument_spec=ARGUMENT_SPEC, supports_check_mode=True, required_if=[("action", "revoke", ("access_token",))])
    run_auth(module, CONNECTION_OPTIONS)'''
    doc = documentation("auth", "Manage authentication (crowdstrike.falcon.auth's options and results)",
                        ["A compatible replacement for crowdstrike.falcon.auth, run by the native plugin.",
                         "C(generate) returns C(auth.access_token) and C(auth.cloud): the cloud after autodiscovery, or the "
                         "I(base_url) when one is given, so that the next crowdstrike.falcon module reaches the same API.",
                         "C(revoke) revokes with one call.", "The module will not report changes."], own,
                        "Runs in check mode as crowdstrike.falcon.auth does: a token is returned (the next task needs it); a revoke is skipped.")
    returned = {"auth": {"description": ["The access token and its cloud (generate)."], "returned": "success", "type": "dict",
                         "contains": {"access_token": {"description": ["The OAuth2 access token."], "returned": "success", "type": "str"},
                                      "cloud": {"description": ["The cloud region after autodiscovery, or the configured base URL."],
                                                "returned": "success", "type": "str"}}},
                "errors": {"description": ["The API's errors."], "returned": "failure", "type": "list"}}
    return module_source(doc, AUTH_EXAMPLES, returned, own, body)


def generate(schemas: PluginSchemas, root: str) -> None:
    """Write the whole collection tree under ``root`` (the directory is replaced)."""
    fresh(root)
    for action in schemas.actions:
        write(root, f"plugins/modules/{action.alias}.py", action_module(schemas, action))
    write(root, "plugins/modules/auth.py", auth_module())
    write(root, "plugins/doc_fragments/connection.py", connection_fragment(schemas))
    write(root, "plugins/module_utils/connection_spec.py", connection_spec(schemas))
    copy_fixed("ansible", root, ("plugins/module_utils/plugin_call.py", "README.md", "CHANGELOG.md", "meta/runtime.yml"))
    galaxy = {"namespace": NAMESPACE, "name": NAME, "version": schemas.version, "readme": "README.md",
              "authors": ["Falcon native OAuth2 maintainers"],
              "description": "CrowdStrike Falcon OAuth2 tokens through the native plugin (not CrowdStrike's crowdstrike.falcon collection)",
              "license": [LICENSE_ID], "tags": ["crowdstrike", "falcon", "oauth2", "security"], "dependencies": {},
              "build_ignore": []}
    write(root, "galaxy.yml", yaml.safe_dump(galaxy, sort_keys=False))
    copy_license(root)

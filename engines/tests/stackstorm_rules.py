"""StackStorm's own metadata rules, loaded from the peers folder: the JSON Schemas and validator
of st2common.util.schema, the PackAPI, ConfigSchemaAPI and ActionAPI schemas as st2common's models
write them, the python-script runner's parameters, the Action base class and the output masking
of st2common.util.output_schema.

StackStorm does not install on Debian 12, so the modules those files import and that the peers
folder does not hold are given here, each as small as what the rules use of it: st2's logging,
JSON and deep-copy helpers, two constants, the database models (never used by the rules), and the
referencing library (jsonschema >= 4.18), whose registry maps draft-04's URI to st2's custom
meta-schema; with Debian's jsonschema 4.10 the same mapping is a RefResolver store, which is
what StackStorm itself relied on before 4.18."""
import ast
import copy
import json
import logging
import os
import sys
import types
from typing import Any, Dict

import jsonschema
import yaml
from peers import peer

DRAFT4 = "http://json-schema.org/draft-04/schema#"


def _module(name: str, **members: Any) -> types.ModuleType:
    module = types.ModuleType(name)
    module.__dict__.update(members)
    sys.modules[name] = module
    return module


def _deep_update(target: Any, source: Dict[str, Any]) -> Any:
    """st2common.util.misc.deep_update: nested mappings merged into fresh ones (never shared
    with ``source``)."""
    for key, value in source.items():
        if isinstance(target, dict):
            target[key] = _deep_update(target.get(key, {}), value) if isinstance(value, dict) else value
        else:
            target = {key: value}
    return target


class _InvalidActionParameterException(Exception):
    pass


class _Registry:  # pylint: disable=too-few-public-methods
    def with_resources(self, pairs):
        del pairs
        return self


class _Jsonschema410:
    """st2's jsonschema calls, with its registry given to Debian's jsonschema as a resolver."""

    def __init__(self, custom_meta_schema: Dict[str, Any]):
        self._store = {DRAFT4: custom_meta_schema}

    def validate(self, instance, schema, cls=None, registry=None, **kwargs):
        del registry
        kwargs.setdefault("resolver", jsonschema.RefResolver.from_schema(schema, store=self._store))
        return jsonschema.validate(instance=instance, schema=schema, cls=cls, **kwargs)

    def __getattr__(self, name):
        return getattr(jsonschema, name)


def _load_st2():
    """st2common from the peers folder (a namespace package there), with the stand-ins above."""
    root = os.path.join(peer("st2"), "st2common")
    if root not in sys.path:
        sys.path.insert(0, root)
    _module("referencing", Registry=_Registry, Resource=types.SimpleNamespace(from_contents=lambda *a, **k: None))
    _module("referencing.jsonschema", DRAFT4=None)

    def load_file(path):
        with open(path, encoding="utf-8") as text:
            return json.load(text)

    _module("st2common.util.jsonify", load_file=load_file)
    _module("st2common.util.misc", deep_update=_deep_update)
    _module("st2common.util.deep_copy", fast_deepcopy_dict=copy.deepcopy)
    _module("st2common.exceptions.action", InvalidActionParameterException=_InvalidActionParameterException)
    _module("st2common.constants.action", LIVEACTION_STATUS_FAILED="failed")
    _module("st2common.constants.secrets", MASKED_ATTRIBUTE_VALUE="********")

    class PackConfigDict(dict):
        def __init__(self, pack_name, values):
            super().__init__(values)
            self.pack_name = pack_name

    _module("st2common.runners.utils", PackConfigDict=PackConfigDict,
            get_logger_for_python_runner_action=lambda action_name, log_level: logging.getLogger(action_name))
    import st2common.util.schema as util_schema  # pylint: disable=import-outside-toplevel
    util_schema.jsonschema = _Jsonschema410(util_schema.SCHEMAS["custom"])
    import st2common.constants.pack as pack_constants  # pylint: disable=import-outside-toplevel
    import st2common.util.output_schema as output_schema  # pylint: disable=import-outside-toplevel
    import st2common.runners.base_action as base_action  # pylint: disable=import-outside-toplevel
    return util_schema, pack_constants, output_schema, base_action


def _schema_of(path: str, owner: str, names: Dict[str, Any]) -> Any:
    """The ``schema = {...}`` of class ``owner`` (or the module-level ``owner = {...}``) in the
    st2common file ``path``, evaluated with ``names``: the models' own text, without importing
    their database layer."""
    with open(path, encoding="utf-8") as text:
        tree = ast.parse(text.read())
    for node in tree.body:
        if isinstance(node, ast.ClassDef) and node.name == owner:
            for statement in node.body:
                if isinstance(statement, ast.Assign) and any(getattr(target, "id", None) == "schema" for target in statement.targets):
                    return eval(compile(ast.Expression(statement.value), path, "eval"), dict(names))  # pylint: disable=eval-used
        if isinstance(node, ast.Assign) and any(getattr(target, "id", None) == owner for target in node.targets):
            return eval(compile(ast.Expression(node.value), path, "eval"), dict(names))  # pylint: disable=eval-used
    raise LookupError(f"{owner} has no schema in {path}")


class StackStormRules:
    """What StackStorm checks when it registers a pack and runs a python action."""

    def __init__(self):
        self.util_schema, constants, self.output_schema, self.base_action = _load_st2()
        models = os.path.join(peer("st2"), "st2common", "st2common", "models", "api")
        names = {"util_schema": self.util_schema, **vars(constants)}
        names["NotificationSubSchemaAPI"] = _schema_of(os.path.join(models, "notification.py"), "NotificationSubSchemaAPI", names)
        self.pack_schema = _schema_of(os.path.join(models, "pack.py"), "PackAPI", names)
        self.config_schema_schema = _schema_of(os.path.join(models, "pack.py"), "ConfigSchemaAPI", names)
        self.action_schema = _schema_of(os.path.join(models, "action.py"), "ActionAPI", names)
        with open(os.path.join(peer("st2"), "contrib", "runners", "python_runner", "python_runner", "runner.yaml"), encoding="utf-8") as text:
            self.python_runner = next(runner for runner in yaml.safe_load(text) if runner["name"] == "python-script")

    def _validate(self, instance: Dict[str, Any], schema: Dict[str, Any]) -> Dict[str, Any]:
        """As st2common's BaseAPI.validate() does: the custom validator, defaults, None allowed."""
        return self.util_schema.validate(instance=instance, schema=schema, cls=self.util_schema.CustomValidator,
                                         use_default=True, allow_default_none=True)

    def validate_pack(self, pack: Dict[str, Any]) -> Dict[str, Any]:
        """pack.yaml, as PackAPI validates it."""
        return self._validate(pack, self.pack_schema)

    def validate_config_schema(self, pack_ref: str, config_schema: Dict[str, Any]) -> Dict[str, Any]:
        """config.schema.yaml, as ConfigSchemaAPI validates it."""
        return self._validate({"pack": pack_ref, "attributes": config_schema}, self.config_schema_schema)

    def validate_action(self, pack_ref: str, action: Dict[str, Any]) -> Dict[str, Any]:
        """An action's metadata, as ActionAPI validates it, and its parameters merged with its
        runner's as StackStorm merges them before every run (the parameters' schema)."""
        cleaned = self._validate(dict(action, pack=pack_ref), self.action_schema)
        if cleaned["runner_type"] != self.python_runner["name"]:
            raise ValueError(f"runner {cleaned['runner_type']} is not the python-script runner these rules know")
        action_db = types.SimpleNamespace(parameters=cleaned.get("parameters", {}), ref=f"{pack_ref}.{cleaned['name']}",
                                          name=cleaned["name"], description=cleaned.get("description"), runner_type={"name": cleaned["runner_type"]})
        runner_db = types.SimpleNamespace(runner_parameters=self.python_runner["runner_parameters"])
        return self.util_schema.get_schema_for_action_parameters(action_db, runner_db)

    def validate_parameters(self, parameters_schema: Dict[str, Any], parameters: Dict[str, Any]) -> Dict[str, Any]:
        """An execution's parameters, as StackStorm checks them against the merged schema."""
        return self._validate(parameters, parameters_schema)

    def masked(self, action: Dict[str, Any], result: Any) -> Any:
        """An execution's result as StackStorm stores and shows it: the python runner's output
        (``result`` under its output key) masked by the action's output_schema."""
        key = self.python_runner["output_key"]
        execution = {"runner": {"output_key": key}, "action": {"output_schema": action.get("output_schema")}}
        return self.output_schema.mask_secret_output(execution, {key: copy.deepcopy(result), "stdout": "", "stderr": "", "exit_code": 0})[key]

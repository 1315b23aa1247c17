"""The StackStorm pack. StackStorm itself cannot be installed here, so (1) every generated file is
checked against StackStorm's documented metadata rules, written down below, and (2) each entry
point's run() is called the way StackStorm's Python runner calls it (the class found in the
entry point, built with the pack's config, run(**parameters)), against the emulator, with a
stand-in for st2common's Action base class. StackStorm's runner itself was not run."""
import importlib.util
import os
import sys
import types
import unittest

import yaml
from emulator import CLIENT_ID, CLIENT_SECRET, EmulatorTestCase

# Action metadata: https://docs.stackstorm.com/actions.html (runner_type, entry_point, parameters).
ACTION_KEYS = {"name": str, "runner_type": str, "description": str, "enabled": bool, "entry_point": str, "parameters": dict,
               "pack": str, "tags": list, "output_schema": dict}
PACK_KEYS = {"ref": str, "name": str, "description": str, "keywords": list, "version": str, "python_versions": list,
             "author": str, "email": str, "contributors": list, "dependencies": list}
# Parameters and config properties: JSON Schema draft-04 plus StackStorm's own (required and
# secret per property, immutable, position). No $schema, $id, writeOnly or x-* keywords.
PARAMETER_KEYS = {"type": (str, list), "description": str, "required": bool, "secret": bool, "default": object,
                  "enum": list, "minimum": (int, float), "maximum": (int, float), "exclusiveMinimum": bool, "exclusiveMaximum": bool,
                  "minLength": int, "maxLength": int, "pattern": str, "items": dict, "properties": dict,
                  "additionalProperties": (bool, dict), "immutable": bool, "position": int}
JSON_TYPES = {"string", "integer", "number", "boolean", "object", "array", "null"}


def load_yaml(*parts):
    with open(os.path.join(os.environ["FALCON_STACKSTORM_PACK"], *parts), encoding="utf-8") as text:
        return yaml.safe_load(text)


class StackStormTest(EmulatorTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # st2common's Action, as the Python runner gives it: the config, a logger, the datastore.
        base_action = types.ModuleType("st2common.runners.base_action")

        class Action:  # pylint: disable=too-few-public-methods
            def __init__(self, config=None, action_service=None):
                self.config = config or {}
                self.action_service = action_service

        base_action.Action = Action
        for name in ("st2common", "st2common.runners"):
            sys.modules.setdefault(name, types.ModuleType(name))
        sys.modules["st2common.runners.base_action"] = base_action

    def check_parameters(self, where, parameters):
        for name, described in parameters.items():
            for key, value in described.items():
                self.assertIn(key, PARAMETER_KEYS, f"{where}: {name}.{key}")
                self.assertIsInstance(value, PARAMETER_KEYS[key], f"{where}: {name}.{key}")
            kinds = described["type"] if isinstance(described["type"], list) else [described["type"]]
            self.assertTrue(set(kinds) <= JSON_TYPES, f"{where}: {name}")
            self.assertIn("description", described, f"{where}: {name}")

    def test_metadata_follows_stackstorms_rules(self):
        pack = load_yaml("pack.yaml")
        for key, value in pack.items():
            self.assertIn(key, PACK_KEYS)
            self.assertIsInstance(value, PACK_KEYS[key], key)
        self.assertRegex(pack["ref"], r"^[a-z0-9_]+$")
        self.check_parameters("config.schema.yaml", load_yaml("config.schema.yaml"))
        for alias in ("token", "revoke"):
            action = load_yaml("actions", alias + ".yaml")
            for key, value in action.items():
                self.assertIn(key, ACTION_KEYS, key)
                self.assertIsInstance(value, ACTION_KEYS[key], key)
            self.assertEqual("python-script", action["runner_type"])
            self.assertTrue(os.path.isfile(os.path.join(os.environ["FALCON_STACKSTORM_PACK"], "actions", action["entry_point"])))
            self.check_parameters(alias + ".yaml", action["parameters"])

    def run_action(self, alias, config, **parameters):
        """What the Python runner does: load the entry point, find its Action class, build it
        with the config, call run() with the parameters."""
        actions = os.path.join(os.environ["FALCON_STACKSTORM_PACK"], "actions")
        sys.path.insert(0, actions)
        try:
            spec = importlib.util.spec_from_file_location(f"pack_action_{alias}", os.path.join(actions, alias + ".py"))
            module = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(module)
        finally:
            sys.path.remove(actions)
        base = sys.modules["st2common.runners.base_action"].Action
        action_class = next(value for value in vars(module).values() if isinstance(value, type) and issubclass(value, base) and value is not base)
        return action_class(config=config).run(**parameters)

    def test_entry_points_run_against_the_emulator(self):
        config = {"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET, "base_url": self.emulator.url, "ca_bundle": self.emulator.ca_file,
                  "member_cid": None}
        before = self.emulator.stats()
        ok, minted = self.run_action("token", config, force=True, member_cid=None)
        self.assertTrue(ok)
        self.assertEqual(201, minted["status_code"])
        ok, revoked = self.run_action("revoke", config, token=minted["body"]["access_token"])
        self.assertTrue(ok)
        self.assertEqual(200, revoked["status_code"])
        after = self.emulator.stats()
        self.assertEqual(before["token_requests"] + 1, after["token_requests"])
        self.assertEqual(before["revocations"] + 1, after["revocations"])
        failed, refused = self.run_action("token", dict(config, client_secret="not-the-secret"), force=True)
        self.assertFalse(failed)
        self.assertEqual(403, refused["status_code"])
        failed, invalid = self.run_action("revoke", config)
        self.assertFalse(failed)
        self.assertEqual(400, invalid["status_code"])


if __name__ == "__main__":
    unittest.main()

"""The StackStorm pack, checked by StackStorm's own rules from the peers folder (see
stackstorm_rules.py): pack.yaml, config.schema.yaml and each action's metadata as StackStorm
validates them when it registers the pack, each action's parameters merged with the python
runner's, each entry point run the way the python runner runs it (the class found in the entry
point, built on st2common's Action with the pack's config, run(**parameters)) against the
emulator, and its result masked by StackStorm's own masking code. StackStorm's action wrapper
process itself is not run: StackStorm does not install on Debian 12."""
import importlib.util
import json
import os
import sys
import unittest

import yaml
from emulator import CLIENT_ID, CLIENT_SECRET, EmulatorTestCase
from stackstorm_rules import StackStormRules

PACK_DIR = os.environ.get("FALCON_STACKSTORM_PACK", "")


def load_yaml(*parts):
    with open(os.path.join(PACK_DIR, *parts), encoding="utf-8") as text:
        return yaml.safe_load(text)


class StackStormTest(EmulatorTestCase):
    rules: StackStormRules

    @classmethod
    def setUpClass(cls):
        cls.rules = StackStormRules()  # skips the suite, with the reason, without the peers
        super().setUpClass()

    def test_pack_registers_under_stackstorms_rules(self):
        pack = self.rules.validate_pack(load_yaml("pack.yaml"))
        self.assertEqual("falcon_native_oauth2", pack["ref"])
        self.rules.validate_config_schema(pack["ref"], load_yaml("config.schema.yaml"))
        for alias in ("token", "revoke"):
            action = load_yaml("actions", alias + ".yaml")
            self.rules.validate_action(pack["ref"], action)
            self.assertTrue(os.path.isfile(os.path.join(PACK_DIR, "actions", action["entry_point"])))
            # An output_schema StackStorm finds invalid would mask nothing.
            self.assertTrue(self.rules.output_schema._output_schema_is_valid(action["output_schema"]), alias)  # pylint: disable=protected-access

    def test_the_rules_refuse_what_stackstorm_refuses(self):
        # The suite's teeth: the metadata this pack once had, which StackStorm refused.
        config = load_yaml("config.schema.yaml")
        config["token_cache"]["type"] = ["string", "object"]
        with self.assertRaises(Exception) as refused:
            self.rules.validate_config_schema("falcon_native_oauth2", config)
        self.assertIn("['string', 'object'] is not one of", str(refused.exception))
        action = load_yaml("actions", "token.yaml")
        action["parameters"]["timeout"] = {"type": "string", "description": "clashes with the runner's"}
        with self.assertRaises(Exception) as clashing:
            self.rules.validate_action("falcon_native_oauth2", action)
        self.assertIn('"type" for the runner parameter "timeout"', str(clashing.exception))

    def test_config_shares_tokens_and_masks_its_secrets(self):
        config = load_yaml("config.schema.yaml")
        # Every run is a new process: only a shared store shares one token between runs.
        self.assertEqual("file", config["token_cache"]["default"])
        for name in ("client_secret", "proxy", "token_cache_password"):
            self.assertTrue(config[name].get("secret"), name)

    def run_action(self, alias, config, **parameters):
        """What the python runner does: the parameters checked and completed against the merged
        schema, the entry point loaded, its Action class built with the config, run() called
        with the action's own parameters."""
        metadata = load_yaml("actions", alias + ".yaml")
        merged = self.rules.validate_action("falcon_native_oauth2", metadata)
        checked = self.rules.validate_parameters(merged, parameters)
        actions = os.path.join(PACK_DIR, "actions")
        sys.path.insert(0, actions)
        try:
            spec = importlib.util.spec_from_file_location(f"pack_action_{alias}", os.path.join(actions, alias + ".py"))
            module = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(module)
        finally:
            sys.path.remove(actions)
        base = self.rules.base_action.Action
        action_class = next(value for value in vars(module).values() if isinstance(value, type) and issubclass(value, base) and value is not base)
        own = {name: value for name, value in checked.items() if name in metadata["parameters"]}
        return action_class(config=config).run(**own)

    def config(self, **overrides):
        given = {"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET, "base_url": self.emulator.url, "ca_bundle": self.emulator.ca_file,
                 "member_cid": None, "token_cache": "memory"}
        given.update(overrides)
        return given

    def test_entry_points_run_against_the_emulator(self):
        before = self.emulator.stats()
        ok, minted = self.run_action("token", self.config(), force=True, member_cid=None)
        self.assertTrue(ok)
        self.assertEqual(201, minted["status_code"])
        ok, revoked = self.run_action("revoke", self.config(), token=minted["body"]["access_token"])
        self.assertTrue(ok)
        self.assertEqual(200, revoked["status_code"])
        after = self.emulator.stats()
        self.assertEqual(before["token_requests"] + 1, after["token_requests"])
        self.assertEqual(before["revocations"] + 1, after["revocations"])
        failed, refused = self.run_action("token", self.config(client_secret="not-the-secret"), force=True)
        self.assertFalse(failed)
        self.assertEqual(403, refused["status_code"])
        failed, invalid = self.run_action("revoke", self.config())
        self.assertFalse(failed)
        self.assertEqual(400, invalid["status_code"])

    def test_stackstorm_masks_the_token_in_its_history(self):
        ok, minted = self.run_action("token", self.config(), force=True)
        self.assertTrue(ok)
        token = minted["body"]["access_token"]
        shown = self.rules.masked(load_yaml("actions", "token.yaml"), minted)
        self.assertEqual("********", shown["body"]["access_token"])
        self.assertNotIn(token, json.dumps(shown))
        self.assertEqual(201, shown["status_code"])
        # A failed run's output passes through the same schema unmasked but whole.
        ok, refused = self.run_action("token", self.config(client_secret="not-the-secret"), force=True)
        self.assertFalse(ok)
        self.assertEqual(refused, self.rules.masked(load_yaml("actions", "token.yaml"), refused))


if __name__ == "__main__":
    unittest.main()

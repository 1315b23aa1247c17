"""The generated metadata follows the schemas: every option and parameter, its type, choices,
default, secrecy and environment fallback, for both engines. Fails when a schema changes and the
generated files do not."""
import json
import os
import subprocess
import tarfile
import unittest

import yaml
from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from collection import InstalledCollection

from schemas import PluginSchemas

TYPES = {"string": "str", "integer": "int", "number": "float", "boolean": "bool", "object": "dict", "array": "list"}


class GeneratedTest(unittest.TestCase):
    schemas: PluginSchemas
    collection: InstalledCollection

    @classmethod
    def setUpClass(cls):
        cls.schemas = PluginSchemas(os.environ["FALCON_SCHEMA_DIR"])
        cls.collection = InstalledCollection()

    @classmethod
    def tearDownClass(cls):
        cls.collection.remove()

    def merged_doc(self, module: str):
        """The module's documentation as Ansible renders it, its doc fragment merged in."""
        shown = subprocess.run(["ansible-doc", "--json", f"falcon_native.oauth2.{module}"], env=self.collection.environment,
                               capture_output=True, text=True, timeout=120, check=True)
        return json.loads(shown.stdout)[f"falcon_native.oauth2.{module}"]["doc"]

    def check_option(self, module, documented_options, name, field, environment=True):
        spec = module.ARGUMENT_SPEC[name]
        documented = documented_options[name]
        expected_type = TYPES[field.types[0]] if len(field.types) == 1 else "raw"
        self.assertEqual(expected_type, spec["type"], name)
        self.assertEqual(expected_type, documented["type"], name)
        # A secret, or an object form holding one (token_cache's password), is never logged.
        self.assertEqual(field.secret or field.secret_inside, spec.get("no_log", False), name)
        # The plugin judges a cloud's spelling; every other choice list is Ansible's.
        choices = None if name == "cloud" else field.choices
        self.assertEqual(choices, spec.get("choices"), name)
        self.assertEqual(choices, documented.get("choices"), name)
        if not field.required:
            self.assertEqual(field.default, spec.get("default"), name)
            self.assertEqual(field.default, documented.get("default"), name)
        self.assertEqual(field.required, spec.get("required", False), name)
        if environment:
            self.assertEqual([field.environment_variable], spec["fallback"][1], name)
        self.assertIn(field.description, documented["description"], name)

    def test_every_artifact_says_its_license(self):
        pack = os.environ["FALCON_STACKSTORM_PACK"]
        with open(os.path.join(os.path.dirname(__file__), os.pardir, os.pardir, "LICENSE"), encoding="utf-8") as project:
            license_text = project.read()
        self.assertIn("Apache License", license_text)
        with open(os.path.join(pack, "LICENSE"), encoding="utf-8") as packed:
            self.assertEqual(license_text, packed.read())
        with open(os.path.join(pack, "pack.yaml"), encoding="utf-8") as metadata:
            self.assertEqual("Apache-2.0", yaml.safe_load(metadata)["license"])
        with tarfile.open(os.environ["FALCON_COLLECTION_TARBALL"]) as tarball:
            manifest = json.load(tarball.extractfile("MANIFEST.json"))
            self.assertEqual(["Apache-2.0"], manifest["collection_info"]["license"])
            self.assertEqual(license_text, tarball.extractfile("LICENSE").read().decode("utf-8"))

    def test_every_artifact_says_the_one_version(self):
        # schema/plugin.json holds it; CMake, the wheel, the collection and the pack take it from there.
        import falcon_oauth2  # pylint: disable=import-outside-toplevel
        version = self.schemas.version
        self.assertEqual(version, falcon_oauth2.__version__)
        with tarfile.open(os.environ["FALCON_COLLECTION_TARBALL"]) as tarball:
            self.assertEqual(version, json.load(tarball.extractfile("MANIFEST.json"))["collection_info"]["version"])
        with open(os.path.join(os.environ["FALCON_STACKSTORM_PACK"], "pack.yaml"), encoding="utf-8") as metadata:
            self.assertEqual(version, yaml.safe_load(metadata)["version"])

    def test_action_modules_follow_the_schemas(self):
        for action in self.schemas.actions:
            module = self.collection.module(action.alias)
            documented = self.merged_doc(action.alias)
            self.assertEqual(action.alias, documented["module"])
            self.assertEqual(set(module.ARGUMENT_SPEC), set(documented["options"]))
            # The connection is documented once, in the shared fragment, not in each module.
            own = yaml.safe_load(module.DOCUMENTATION)
            self.assertEqual(["falcon_native.oauth2.connection"], own["extends_documentation_fragment"])
            self.assertFalse({field.name for field in self.schemas.connection} & set(own["options"]))
            for field in self.schemas.connection:
                self.check_option(module, documented["options"], field.name, field)
            taken = {field.name for field in self.schemas.connection}
            for field in action.inputs:
                name = "input_" + field.name if field.name in taken else field.name
                self.check_option(module, documented["options"], name, field, environment=False)
                self.assertEqual(field.name, module.INPUT_OPTIONS[name])
            self.assertEqual(len(self.schemas.connection) + len(action.inputs), len(module.ARGUMENT_SPEC))
            returned = yaml.safe_load(module.RETURN)
            for field in action.outputs:
                self.assertIn(field.name, returned)

    def test_auth_keeps_crowdstrikes_options(self):
        module = self.collection.module("auth")
        spec = module.ARGUMENT_SPEC
        self.assertEqual(["generate", "revoke"], spec["action"]["choices"])
        self.assertEqual("generate", spec["action"]["default"])
        self.assertEqual(["falcon_client_id"], spec["client_id"]["aliases"])
        self.assertEqual(["falcon_client_secret"], spec["client_secret"]["aliases"])
        for name, variable in (("client_id", "FALCON_CLIENT_ID"), ("client_secret", "FALCON_CLIENT_SECRET"), ("member_cid", "FALCON_MEMBER_CID"),
                               ("cloud", "FALCON_CLOUD"), ("user_agent", "FALCON_USER_AGENT"), ("base_url", "FALCON_BASE_URL"),
                               ("ca_bundle", "FALCON_CA_BUNDLE"), ("token_cache", "FALCON_TOKEN_CACHE"), ("proxy", "FALCON_PROXY")):
            self.assertEqual([variable], spec[name]["fallback"][1], name)
        for secret in ("access_token", "client_secret", "token_cache_password", "proxy", "token_cache"):
            self.assertTrue(spec[secret]["no_log"], secret)
        self.assertNotIn("choices", spec["cloud"])
        for choice in self.schemas.connection_field("cloud").choices:
            self.assertIn(f"C({choice})", " ".join(self.merged_doc("auth")["options"]["cloud"]["description"]))
        self.assertIn("ext_headers", spec)

    def test_argument_specs_validate_with_ansibles_own_validator(self):
        for name in [action.alias for action in self.schemas.actions] + ["auth"]:
            module = self.collection.module(name)
            validator = ArgumentSpecValidator(module.ARGUMENT_SPEC)
            good = validator.validate({"client_id": "id", "client_secret": "secret", "cloud": "us-2", "connect_timeout_s": "2.5"})
            self.assertEqual([], [str(error) for error in good.errors], name)
            self.assertEqual(2.5, good.validated_parameters["connect_timeout_s"])
            self.assertIn("secret", good._no_log_values)  # pylint: disable=protected-access
            bad = validator.validate({"client_id": "id", "client_secret": "secret", "max_retries": "many"})
            messages = " ".join(str(error) for error in bad.errors)
            self.assertIn("max_retries", messages)
            # Every spelling the plugin takes gets through Ansible (the plugin refuses the rest).
            for spelling in ("US-2", "us2", "Us-2", "gov1", "USGOV1"):
                checked = validator.validate({"client_id": "id", "client_secret": "secret", "cloud": spelling})
                self.assertEqual([], [str(error) for error in checked.errors], spelling)

    def test_stackstorm_pack_follows_the_schemas(self):
        pack = os.environ["FALCON_STACKSTORM_PACK"]
        with open(os.path.join(pack, "config.schema.yaml"), encoding="utf-8") as text:
            config = yaml.safe_load(text)
        self.assertEqual([field.name for field in self.schemas.connection], list(config))
        for field in self.schemas.connection:
            self.assertEqual(field.secret, config[field.name].get("secret", False), field.name)
            self.assertEqual(field.required, config[field.name].get("required", False), field.name)
            self.assertEqual(field.choices, config[field.name].get("enum"), field.name)
        for action in self.schemas.actions:
            with open(os.path.join(pack, "actions", action.alias + ".yaml"), encoding="utf-8") as text:
                metadata = yaml.safe_load(text)
            self.assertEqual([field.name for field in action.inputs], list(metadata["parameters"]))
            for field in action.inputs:
                self.assertEqual(field.secret, metadata["parameters"][field.name].get("secret", False), field.name)


if __name__ == "__main__":
    unittest.main()

"""The package's JSON text, read and written without the json package: the same values as the
json package gives, and the same refusals. Pure functions, no plugin needed."""
import json
import unittest

from falcon_oauth2 import _jsontext

VALUES = [
    None, True, False, 0, -7, 2 ** 70, 1.5, -0.0, 1e-300, 3.141592653589793, "", "plain", 'quote " and \\ slash /',
    "control \x00\x1f\n\t", "caf\u00e9 \U0001f600", [], {}, [1, [2, [3, {}]]],
    {"status_code": 201, "headers": {"X-Cs-Region": "us-2"}, "body": {"access_token": "eyJ.x-y_z", "expires_in": 1799}},
    {"nested": {"list": [None, True, 1.25, "s"]}, "unicode key \u00e9": "v"},
]


class JsonTextTest(unittest.TestCase):
    def test_reads_what_json_writes(self):
        for value in VALUES:
            for text in (json.dumps(value), json.dumps(value, indent=2, ensure_ascii=False), " \n" + json.dumps(value) + "\t "):
                self.assertEqual(json.loads(text), _jsontext.loads(text), text)

    def test_writes_what_json_writes(self):
        for value in VALUES:
            text = _jsontext.dumps(value)
            self.assertEqual(json.dumps(value, separators=(",", ":")), text)
            self.assertEqual(value, json.loads(text), text)
            self.assertTrue(text.isascii(), text)
        self.assertEqual('{"a":[1,2],"b":null}', _jsontext.dumps({"a": (1, 2), "b": None}))

    def test_refusals(self):
        for text in ("", "   ", "{", '{"a": 1} {"b": 2}', "[1,]", "NaN", "-Infinity", '{"a": nan}', "'single'", '"\\x41"'):
            with self.assertRaises(ValueError, msg=repr(text)):
                _jsontext.loads(text)
        for value in (float("nan"), float("inf"), [float("-inf")]):
            with self.assertRaises(ValueError, msg=repr(value)):
                _jsontext.dumps(value)
        for value in ({(1, 2): "a"}, {"a": {1, 2}}, object(), b"bytes"):
            with self.assertRaises(TypeError, msg=repr(value)):
                _jsontext.dumps(value)
        looped: list = []
        looped.append(looped)
        with self.assertRaises(RecursionError):
            _jsontext.dumps(looped)
        self.assertEqual('{"after":"a failure"}', _jsontext.dumps({"after": "a failure"}))

    def test_the_json_package_is_not_imported(self):
        import subprocess  # pylint: disable=import-outside-toplevel
        import sys  # pylint: disable=import-outside-toplevel
        code = ("import sys; from falcon_oauth2 import _jsontext; _jsontext.loads(_jsontext.dumps({'a': [1.5]})); "
                "print('json' in sys.modules, 're' in sys.modules)")
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
        self.assertEqual("False False", done.stdout.strip())


if __name__ == "__main__":
    unittest.main()

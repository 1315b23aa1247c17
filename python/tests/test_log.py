"""The log masker: the same spellings of a secret as the plugin's C++ masking, cut out of any
text. Pure functions, no plugin needed."""
import json
import logging
import os
import unittest

from falcon_oauth2._log import SafeLog, secret_spellings

#: The table the C++ secretSpellings() is checked against too.
SPELLINGS_TABLE = os.path.join(os.path.dirname(__file__), "..", "..", "tests", "data", "secret-spellings.json")


class SpellingsTest(unittest.TestCase):
    def test_same_spellings_as_the_plugin(self):
        with open(SPELLINGS_TABLE, encoding="utf-8") as table:
            cases = json.load(table)["cases"]
        self.assertGreater(len(cases), 2)
        for case in cases:
            self.assertEqual(case["spellings"], secret_spellings(case["value"]), case["value"])


class CleanTest(unittest.TestCase):
    def setUp(self):
        self.log = SafeLog(logging.getLogger("falcon_oauth2.test_log"))
        self.secret = 's3cr3t/Value+with=special&chars "q"'
        self.log.secret(self.secret)

    def test_every_spelling_is_cut_out(self):
        for spelling in secret_spellings(self.secret):
            cleaned = self.log.clean("body client_secret=" + spelling + " end")
            self.assertEqual("body client_secret=REDACTED end", cleaned, spelling)

    def test_inside_containers_and_falconpy_keys(self):
        cleaned = self.log.clean({"client_secret": "anything", "detail": ["x " + self.secret], "n": 3})
        self.assertEqual({"client_secret": "REDACTED", "detail": ["x REDACTED"], "n": 3}, cleaned)

    def test_short_values_are_not_secrets(self):
        self.log.secret("abc")
        self.assertEqual("abc abc", self.log.clean("abc abc"))

    def test_without_a_logger_nothing_is_kept(self):
        silent = SafeLog(False)
        silent.secret(self.secret)
        self.assertEqual("x " + self.secret, silent.clean("x " + self.secret))


if __name__ == "__main__":
    unittest.main()

"""FalconPy's keywords read into the plugin's connection object: pure functions, no plugin and
no emulator needed."""
import os
import unittest
from unittest import mock

from falcon_oauth2 import InvalidBaseURL, InvalidCredentialFormat
from falcon_oauth2 import _settings
from falcon_oauth2._config import InterfaceConfiguration


class BaseUrlTest(unittest.TestCase):
    def test_cloud_names_in_every_spelling(self):
        for spelling, cloud in (("us1", "us-1"), ("US-2", "us-2"), ("usgov1", "us-gov-1"), ("GOV-2", "us-gov-2"),
                                ("gov1", "us-gov-1"), ("eu1", "eu-1"), ("auto", "us-1")):
            self.assertEqual(cloud, _settings.read_base_url(spelling)[1], spelling)

    def test_urls_and_hosts(self):
        self.assertEqual(("https://api.us-2.crowdstrike.com", "us-2"), _settings.read_base_url("https://API.us-2.crowdstrike.com/"))
        self.assertEqual(("https://gateway.example.com", None), _settings.read_base_url("gateway.example.com"))
        self.assertEqual(("https://127.0.0.1:8443", None), _settings.read_base_url("https://127.0.0.1:8443/"))

    def test_refusals_name_the_clouds(self):
        for wrong in ("mars-9", "", None, 12):
            with self.assertRaises(InvalidBaseURL, msg=repr(wrong)):
                _settings.read_base_url(wrong)
        with self.assertRaises(InvalidBaseURL) as refused:
            _settings.read_base_url("mars-9")
        self.assertIn("US1", str(refused.exception))


class NumbersTest(unittest.TestCase):
    def test_timeout_forms(self):
        self.assertEqual({}, _settings.read_timeout(None))
        self.assertEqual({"connect_timeout_s": 5.0, "read_timeout_s": 5.0, "call_timeout_s": 60.0}, _settings.read_timeout(5))
        self.assertEqual({"connect_timeout_s": 40.0, "read_timeout_s": 30.5, "call_timeout_s": 70.5}, _settings.read_timeout((40, 30.5)))
        for wrong in ("5", (1, 2, 3), True, (1, "2"), [1]):
            with self.assertRaises(TypeError, msg=repr(wrong)):
                _settings.read_timeout(wrong)

    def test_renew_window_is_clamped_as_falconpy_clamps_it(self):
        self.assertEqual(120, _settings.read_renew_window(5))
        self.assertEqual(1200, _settings.read_renew_window(5000))
        self.assertEqual(300.0, _settings.read_renew_window(300.0))
        self.assertEqual(120, _settings.read_renew_window(True))
        for wrong in ("300", None, [300]):
            with self.assertRaises(TypeError, msg=repr(wrong)):
                _settings.read_renew_window(wrong)


class ConnectionPartsTest(unittest.TestCase):
    def test_tls_and_proxy(self):
        self.assertEqual({"verify_tls": False}, _settings.read_tls(False))
        self.assertEqual({"verify_tls": True, "ca_bundle": "/etc/ca.pem"}, _settings.read_tls("/etc/ca.pem"))
        for wrong in (3, "", None):
            with self.assertRaises(TypeError, msg=repr(wrong)):
                _settings.read_tls(wrong)
        self.assertEqual({"proxy": "http://127.0.0.1:3128"}, _settings.read_proxy({"https": "http://127.0.0.1:3128"}))
        self.assertEqual({"proxy": "http://127.0.0.1:3128"}, _settings.read_proxy({"all": "http://127.0.0.1:3128"}))
        self.assertEqual({}, _settings.read_proxy({"http": "http://127.0.0.1:3128"}))
        with self.assertRaises(TypeError):
            _settings.read_proxy("http://127.0.0.1:3128")

    def test_token_cache_and_its_password_from_the_environment(self):
        with mock.patch.dict(os.environ, {"FALCON_TOKEN_CACHE": "file", "FALCON_TOKEN_CACHE_PASSWORD": "Pass-1"}):
            self.assertEqual({"token_cache": "file", "token_cache_password": "Pass-1"}, _settings.read_token_cache(None))
            self.assertEqual({"token_cache": "memory", "token_cache_password": "Pass-1"}, _settings.read_token_cache("memory"))
        with mock.patch.dict(os.environ, {}, clear=True):
            self.assertEqual({}, _settings.read_token_cache(None))
        with self.assertRaises(TypeError):
            _settings.read_token_cache(3)

    def test_connection_object(self):
        config = InterfaceConfiguration("us2", {"https": "http://127.0.0.1:3128"}, 5, "acme/1.0", "/etc/ca.pem", "file")
        connection = config.connection(300.0)
        self.assertEqual("us-2", connection["cloud"])
        self.assertNotIn("base_url", connection)
        self.assertEqual(300, connection["renewal_window_s"])
        self.assertEqual("acme/1.0", connection["user_agent"])
        self.assertEqual("/etc/ca.pem", connection["ca_bundle"])
        config.discovered("eu-1")
        self.assertEqual("https://api.eu-1.crowdstrike.com", config.base_url)
        self.assertEqual("us-2", config.connection(120)["cloud"])  # the plugin follows the region itself
        custom = InterfaceConfiguration("https://127.0.0.1:9")
        custom.discovered("eu-1")
        self.assertEqual("https://127.0.0.1:9", custom.base_url)  # a custom URL is never replaced


class CredentialsTest(unittest.TestCase):
    def test_falconpys_order(self):
        self.assertEqual({"client_id": "a", "client_secret": "b", "member_cid": "c"}, _settings.read_creds("a", "b", None, "c"))
        self.assertEqual({"client_id": "x", "client_secret": "y"}, _settings.read_creds("a", "b", {"client_id": "x", "client_secret": "y"}, None))
        self.assertEqual({"client_id": "x", "client_secret": "y"}, _settings.read_creds(None, None, "{'client_id': 'x', 'client_secret': 'y'}", None))
        self.assertEqual({}, _settings.read_creds(None, None, None, None))
        for wrong in ("not json", "[1]", 5):
            with self.assertRaises(InvalidCredentialFormat, msg=repr(wrong)):
                _settings.read_creds(None, None, wrong, None)

    def test_environment_both_or_neither(self):
        with mock.patch.dict(os.environ, {"ACME_ID": "i", "ACME_KEY": "k"}, clear=True):
            names = {"prefix": "ACME_", "id_name": "ID", "secret_name": "KEY"}
            self.assertEqual({"client_id": "i", "client_secret": "k", "member_cid": "m"}, _settings.creds_from_environment({}, names, "m"))
        with mock.patch.dict(os.environ, {"FALCON_CLIENT_ID": "i"}, clear=True):
            self.assertEqual({}, _settings.creds_from_environment({}, None, None))


if __name__ == "__main__":
    unittest.main()

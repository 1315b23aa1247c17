"""APIHarnessV2: both operations through command(), in every call style FalconPy documents."""
import sys
import unittest

from emulator import CLIENT_ID, CLIENT_SECRET, EmulatorTestCase

from falcon_oauth2 import APIHarnessV2, FalconPyRequired, Result

KEYS = {"status_code", "headers", "body"}


class UberTest(EmulatorTestCase):
    """One emulator for the class; each test makes its own objects."""

    def uber(self, **keywords) -> APIHarnessV2:
        return APIHarnessV2(**self.keywords(**keywords))

    def test_token_in_every_style_leaves_the_object_alone(self):
        uber = self.uber()
        before = self.emulator.stats()["token_requests"]
        for result in (uber.command("oauth2AccessToken"), uber.command(action="oauth2AccessToken"),
                       uber.command(api_operation="oauth2AccessToken")):
            self.assertEqual(KEYS, set(result))
            self.assertEqual(201, result["status_code"])
        # One request per command (FalconPy's logs in first, then mints again).
        self.assertEqual(before + 3, self.emulator.stats()["token_requests"])
        self.assertIsNone(uber.token_value)

    def test_data_is_honoured(self):
        # The object has no credentials; the call brings its own.
        uber = APIHarnessV2(base_url=self.emulator.url, ssl_verify=self.emulator.ca_file)
        minted = uber.command("oauth2AccessToken", data={"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET})
        self.assertEqual(201, minted["status_code"])
        wrong = self.uber().command("oauth2AccessToken", data={"client_id": CLIENT_ID, "client_secret": "not-the-secret"})
        self.assertEqual(403, wrong["status_code"])

    def test_revoke_in_every_style(self):
        uber = self.uber()
        revocations = self.emulator.stats()["revocations"]

        def mint():
            return uber.command("oauth2AccessToken")["body"]["access_token"]

        self.assertEqual(200, uber.command("oauth2RevokeToken", data={"token": mint()})["status_code"])
        self.assertEqual(200, uber.command("oauth2RevokeToken", token_value=mint())["status_code"])
        self.assertEqual(200, uber.command(action="oauth2RevokeToken", data={"token": mint()})["status_code"])
        self.assertEqual(revocations + 3, self.emulator.stats()["revocations"])
        missing = uber.command("oauth2RevokeToken")
        self.assertEqual(400, missing["status_code"])
        self.assertEqual("The token_value keyword is required to use this operation.", missing["body"]["errors"][0]["message"])

    def test_other_operations_without_falconpy_raise_a_clear_error(self):
        saved = sys.modules.get("falconpy")
        sys.modules["falconpy"] = None  # an import of it fails, as where FalconPy is not installed
        try:
            for call in (lambda uber: uber.command("QueryDevicesByFilter"), lambda uber: uber.command(action="nope"),
                         lambda uber: uber.command(override="GET,/devices/queries/devices/v1")):
                with self.assertRaises(FalconPyRequired) as raised:
                    call(self.uber())
                self.assertIn("pip install crowdstrike-falconpy", str(raised.exception))
                self.assertIn("falcon_oauth2.falconpy.APIHarnessV2", str(raised.exception))
            with self.assertRaises(FalconPyRequired) as raised:
                self.uber().command("QueryDevicesByFilter")
            self.assertIn("'QueryDevicesByFilter'", str(raised.exception))
            self.assertEqual(501, raised.exception.code)
        finally:
            if saved is None:
                del sys.modules["falconpy"]
            else:
                sys.modules["falconpy"] = saved

    def test_login_logout_context_manager(self):
        revocations = self.emulator.stats()["revocations"]
        with self.uber() as uber:
            self.assertTrue(uber.login())
            self.assertTrue(uber.authenticated())
            self.assertIn("Authorization", uber.auth_headers)
        self.assertEqual(revocations + 1, self.emulator.stats()["revocations"])
        self.assertFalse(self.uber(client_secret="wrong").login())
        self.assertIsInstance(self.uber(pythonic=True).command("oauth2AccessToken"), Result)


if __name__ == "__main__":
    unittest.main()

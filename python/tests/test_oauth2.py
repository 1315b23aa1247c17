"""OAuth2: FalconPy's constructor keywords, methods, aliases and result shapes, against the
emulator over TLS."""
import logging
import os
import tempfile
import unittest

from connect_proxy import ConnectProxy
from emulator import CHILD_CID, CLIENT_ID, CLIENT_SECRET, Emulator, EmulatorTestCase

from falcon_oauth2 import (APIError, InvalidBaseURL, InvalidCredentialFormat, NoAuthenticationMechanism, OAuth2,
                           Result)

KEYS = {"status_code", "headers", "body"}


class OAuth2Test(EmulatorTestCase):
    """One emulator for the class; each test makes its own objects."""

    def auth(self, **keywords) -> OAuth2:
        return OAuth2(**self.keywords(**keywords))

    def requests_before(self) -> int:
        return self.emulator.stats()["token_requests"]

    def test_token_returns_falconpys_shape_and_keeps_the_token(self):
        auth = self.auth()
        result = auth.token()
        self.assertEqual(KEYS, set(result))
        self.assertEqual(201, result["status_code"])
        self.assertEqual({"access_token", "expires_in", "token_type"}, set(result["body"]))
        self.assertEqual("us-1", result["headers"]["X-Cs-Region"])
        self.assertEqual(result["body"]["access_token"], auth.token_value)
        self.assertEqual(201, auth.token_status)
        self.assertTrue(auth.token_valid and auth.authenticated())
        self.assertFalse(auth.token_stale or auth.token_expired())
        self.assertEqual({"Authorization": "Bearer " + auth.token_value}, auth.auth_headers)

    def test_token_always_mints(self):
        auth = self.auth()
        before = self.requests_before()
        first, second = auth.token(), auth.oauth2AccessToken()
        self.assertNotEqual(first["body"]["access_token"], second["body"]["access_token"])
        self.assertEqual(before + 2, self.requests_before())

    def test_alter_state_is_inverted_as_in_falconpy(self):
        auth = self.auth()
        kept = auth.token()["body"]["access_token"]
        returned_only = auth.token(alter_state=True)["body"]["access_token"]
        self.assertEqual(kept, auth.token_value)
        self.assertNotEqual(kept, returned_only)
        # revoke(alter_state=True) leaves this object's token alone; the default forgets it.
        self.assertEqual(200, auth.revoke(returned_only, alter_state=True)["status_code"])
        self.assertEqual(kept, auth.token_value)
        self.assertEqual(200, auth.oAuth2RevokeToken(token=kept)["status_code"])
        self.assertIsNone(auth.token_value)

    def test_login_logout_and_aliases(self):
        auth = self.auth()
        self.assertEqual(201, auth.login()["status_code"])
        self.assertIs(OAuth2.oauth2AccessToken, OAuth2.token)
        self.assertIs(OAuth2.oAuth2AccessToken, OAuth2.token)
        self.assertIs(OAuth2.oauth2RevokeToken, OAuth2.revoke)
        self.assertIs(OAuth2.oAuth2RevokeToken, OAuth2.revoke)
        revocations = self.emulator.stats()["revocations"]
        logged_out = auth.logout()
        self.assertEqual({"message": "Current token successfully revoked.", "resources": []}, logged_out["body"])
        self.assertEqual(200, logged_out["status_code"])
        self.assertEqual(revocations + 1, self.emulator.stats()["revocations"])
        self.assertIsNone(auth.token_value)
        # Nothing left to revoke: FalconPy's CannotRevokeToken result.
        failed = auth.logout()
        self.assertEqual(KEYS, set(failed))
        self.assertEqual(400, failed["status_code"])
        self.assertEqual(400, failed["body"]["errors"][0]["code"])

    def test_context_manager_revokes_on_exit(self):
        revocations = self.emulator.stats()["revocations"]
        with self.auth() as auth:
            auth.login()
            self.assertTrue(auth.token_valid)
        self.assertEqual(revocations + 1, self.emulator.stats()["revocations"])
        self.assertIsNone(auth.token_value)

    def test_credentials_in_every_form(self):
        creds = {"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET}
        for auth in (OAuth2(creds=creds, base_url=self.emulator.url, ssl_verify=self.emulator.ca_file),
                     OAuth2(creds=str(creds), base_url=self.emulator.url, ssl_verify=self.emulator.ca_file)):
            self.assertEqual(201, auth.token()["status_code"])
            self.assertEqual(CLIENT_ID, auth.creds["client_id"])
        child = OAuth2(creds=dict(creds, member_cid=CHILD_CID), base_url=self.emulator.url, ssl_verify=self.emulator.ca_file)
        self.assertEqual(201, child.token()["status_code"])
        self.assertEqual(201, self.auth(member_cid=CHILD_CID).token()["status_code"])
        with self.assertRaises(InvalidCredentialFormat):
            OAuth2(creds=["not", "a", "dict"])
        with self.assertRaises(InvalidCredentialFormat):
            OAuth2(creds="{not json")

    def test_environment_credentials(self):
        saved = dict(os.environ)
        try:
            os.environ.update({"FALCON_CLIENT_ID": CLIENT_ID, "FALCON_CLIENT_SECRET": CLIENT_SECRET})
            self.assertEqual(201, OAuth2(base_url=self.emulator.url, ssl_verify=self.emulator.ca_file).token()["status_code"])
            os.environ.update({"ACME_KEY": CLIENT_ID, "ACME_SECRET": CLIENT_SECRET})
            custom = OAuth2(base_url=self.emulator.url, ssl_verify=self.emulator.ca_file,
                            environment={"prefix": "ACME_", "id_name": "KEY", "secret_name": "SECRET"})
            self.assertEqual(201, custom.token()["status_code"])
        finally:
            os.environ.clear()
            os.environ.update(saved)

    def test_no_credentials_is_falconpys_403_and_sends_nothing(self):
        before = self.requests_before()
        with self.assertWarns(NoAuthenticationMechanism):
            auth = OAuth2(base_url=self.emulator.url, ssl_verify=self.emulator.ca_file, pythonic=True)
        refused = auth.token()
        self.assertIsInstance(refused, Result)
        self.assertEqual(403, refused.status_code)
        self.assertEqual("Invalid API credentials provided.", refused.errors[0]["message"])
        self.assertEqual(before, self.requests_before())

    def test_token_only_use(self):
        minted = self.auth().token(alter_state=True)["body"]["access_token"]
        auth = OAuth2(access_token=minted, base_url=self.emulator.url, ssl_verify=self.emulator.ca_file)
        self.assertEqual(minted, auth.token_value)
        self.assertEqual({"Authorization": "Bearer " + minted}, auth.auth_headers)
        self.assertFalse(auth.refreshable)
        self.assertEqual(403, auth.token()["status_code"])
        self.assertEqual(403, auth.revoke(minted)["status_code"])

    def test_base_url_spellings(self):
        for spelling, url in (("us1", "https://api.crowdstrike.com"), ("US-2", "https://api.us-2.crowdstrike.com"),
                              ("usgov1", "https://api.laggar.gcw.crowdstrike.com"), ("USGOV2", "https://api.us-gov-2.crowdstrike.mil"),
                              ("eu1", "https://api.eu-1.crowdstrike.com"), ("auto", "https://api.crowdstrike.com"),
                              ("https://api.us-2.crowdstrike.com/", "https://api.us-2.crowdstrike.com"),
                              ("gateway.example.com", "https://gateway.example.com")):
            self.assertEqual(url, OAuth2(client_id="a", client_secret="b", base_url=spelling).base_url, spelling)
        for wrong in ("mars-9", 12, None, ""):
            with self.assertRaises(InvalidBaseURL):
                OAuth2(client_id="a", client_secret="b", base_url=wrong)

    def test_custom_base_url_is_never_overwritten(self):
        with Emulator(home="us-2") as elsewhere:
            auth = OAuth2(client_id=CLIENT_ID, client_secret=CLIENT_SECRET, base_url=elsewhere.url, ssl_verify=elsewhere.ca_file)
            result = auth.token()
            self.assertEqual(201, result["status_code"])
            self.assertEqual("us-2", result["headers"]["X-Cs-Region"])
            self.assertEqual(elsewhere.url, auth.base_url)

    def test_plain_http_to_another_host_is_refused(self):
        refused = OAuth2(client_id=CLIENT_ID, client_secret=CLIENT_SECRET, base_url="http://api.example.com").token()
        self.assertEqual(400, refused["status_code"])
        self.assertIn("plain http:// is allowed only for loopback hosts", refused["body"]["errors"][0]["message"])

    def test_ssl_verify(self):
        # The CA bundle path is honoured (FalconPy drops it); the system's CAs do not know the emulator's.
        self.assertEqual(201, self.auth().token()["status_code"])
        untrusted = self.auth(ssl_verify=True).token()
        self.assertEqual(KEYS, set(untrusted))
        self.assertGreaterEqual(untrusted["status_code"], 500)
        self.assertEqual(201, self.auth(ssl_verify=False).token()["status_code"])
        with self.assertRaises(TypeError):
            self.auth(ssl_verify=3)

    def test_timeout_user_agent_renew_window(self):
        self.assertEqual(201, self.auth(timeout=5).token()["status_code"])
        self.assertEqual(201, self.auth(timeout=(2, 5.5)).token()["status_code"])
        for wrong in ("5", (1, 2, 3), True):
            with self.assertRaises(TypeError):
                self.auth(timeout=wrong)
        self.auth(user_agent="acme-soar/2.1").token()
        agents = [value for request in self.emulator.requests() for name, value in request["headers"].items() if name.lower() == "user-agent"]
        self.assertTrue(any(agent.startswith("acme-soar/2.1") for agent in agents), agents)
        self.assertEqual(120, self.auth(renew_window=5).renew_window)
        self.assertEqual(1200, self.auth(renew_window=5000).renew_window)
        self.assertEqual(300, self.auth(renew_window=300).renew_window)

    def test_renew_window_takes_falconpys_forms(self):
        self.assertEqual(300.0, self.auth(renew_window=300.0).renew_window)
        self.assertEqual(120, self.auth(renew_window=True).renew_window)
        for wrong in ("300", None, [300]):
            with self.assertRaises(TypeError):
                self.auth(renew_window=wrong)

    def test_gov_aliases_of_the_connection_schema(self):
        self.assertEqual("https://api.laggar.gcw.crowdstrike.com", OAuth2(client_id="a", client_secret="b", base_url="gov1").base_url)
        self.assertEqual("https://api.us-gov-2.crowdstrike.mil", OAuth2(client_id="a", client_secret="b", base_url="GOV-2").base_url)

    def test_settings_falconpy_assigns_are_writable_and_used(self):
        auth = self.auth()
        auth.user_agent = "assigned/1.0"
        auth.renew_window = 600.5
        auth.timeout = (3, 4)
        auth.proxy = None
        auth.pythonic = True
        self.assertIsInstance(auth.token(), Result)
        agents = [value for request in self.emulator.requests() for name, value in request["headers"].items() if name.lower() == "user-agent"]
        self.assertTrue(any(agent.startswith("assigned/1.0") for agent in agents), agents)
        self.assertEqual(600.5, auth.renew_window)
        self.assertEqual((3, 4), auth.config.timeout)
        auth.pythonic = False
        auth.base_url = "https://127.0.0.1:1"
        self.assertGreaterEqual(auth.token()["status_code"], 500)
        auth.base_url = self.emulator.url
        auth.ssl_verify = False
        self.assertEqual(201, auth.token()["status_code"])
        for name, wrong in (("base_url", "mars-9"), ("timeout", "5"), ("ssl_verify", 3), ("user_agent", 5), ("renew_window", "x"), ("creds", "x")):
            with self.assertRaises((TypeError, InvalidBaseURL), msg=name):
                setattr(auth, name, wrong)

    def test_falconpys_other_members(self):
        auth = self.auth()
        self.assertEqual("DIRECT", auth.auth_style)
        self.assertEqual("CREDENTIAL", OAuth2(creds={"client_id": "a", "client_secret": "b"}).auth_style)
        self.assertEqual("TOKEN", OAuth2(access_token="given-token").auth_style)
        self.assertEqual(("FALCON_", "CLIENT_ID", "CLIENT_SECRET"), (auth.env_prefix, auth.env_key, auth.env_secret))
        named = OAuth2(environment={"prefix": "ACME_", "id_name": "ID", "secret_name": "KEY"})
        self.assertEqual(("ACME_", "ID", "KEY"), (named.env_prefix, named.env_key, named.env_secret))
        self.assertTrue(auth.sanitize_log)
        auth.sanitize_log = False  # accepted; nothing secret is ever logged
        self.assertTrue(auth.sanitize_log)
        self.assertIsNone(auth.debug_record_count)
        auth.debug_record_count = 10
        self.assertEqual(10, auth.debug_record_count)
        self.assertIsNone(auth.log_facility.log)
        self.assertEqual(auth.base_url, auth.config.base_url)
        auth.login()
        self.assertEqual(auth.token_value, auth.bearer_token.value)
        self.assertEqual(201, auth.bearer_token.status)
        self.assertTrue(auth.child_login(member_cid=CHILD_CID))
        self.assertEqual(CHILD_CID, auth.creds["member_cid"])
        child_token = auth.token_value
        self.assertTrue(auth.child_logout(login_as_parent=True))
        self.assertNotIn("member_cid", auth.creds)
        self.assertNotEqual(child_token, auth.token_value)
        self.assertFalse(auth.child_login())

    def test_proxy(self):
        proxy = ConnectProxy(credentials="proxy-user:Proxy-Pa55word")
        try:
            url = proxy.url.replace("http://", "http://proxy-user:Proxy-Pa55word@")
            self.assertEqual(201, self.auth(proxy={"https": url}).token()["status_code"])
            self.assertEqual(1, proxy.tunnels)
            refused = self.auth(proxy={"https": proxy.url}).token()
            self.assertEqual(KEYS, set(refused))
            self.assertNotEqual(201, refused["status_code"])
            self.assertNotIn("Pa55word", str(refused))
            # requests' spelling for every scheme; an http-only entry is not used for https.
            self.assertEqual(201, self.auth(proxy={"all": url}).token()["status_code"])
            self.assertEqual(2, proxy.tunnels)
            self.assertEqual(201, self.auth(proxy={"http": url}).token()["status_code"])
            self.assertEqual(2, proxy.tunnels)
            with self.assertRaises(TypeError):
                self.auth(proxy=url)
        finally:
            proxy.stop()

    def test_debug_true_logs_to_the_package_logger(self):
        with self.assertLogs("falcon_oauth2", level="DEBUG") as logs:
            token = self.auth(debug=True).token()["body"]["access_token"]
        self.assertIn("OPERATION: oauth2AccessToken", "\n".join(logs.output))
        self.assertNotIn(token, "\n".join(logs.output))

    def test_token_cache_keyword(self):
        with tempfile.TemporaryDirectory() as store:
            os.chmod(store, 0o700)
            auth = self.auth(token_cache={"store": "file", "path": store})
            self.assertEqual(201, auth.login()["status_code"])
            # The client's entry, and the record a revoke through any session finds it by.
            entries = [name for name in os.listdir(store) if name.endswith(".entry")]
            self.assertEqual(1, len([name for name in entries if not name.startswith("falcon-oauth2-token-")]))
            self.assertEqual(1, len([name for name in entries if name.startswith("falcon-oauth2-token-")]))
        refused = self.auth(token_cache="disk").token()
        self.assertEqual(400, refused["status_code"])
        self.assertIn("token_cache", refused["body"]["errors"][0]["message"])
        with self.assertRaises(TypeError):
            self.auth(token_cache=5)

    def test_unknown_keyword_is_a_type_error(self):
        with self.assertRaises(TypeError) as raised:
            OAuth2(client_id="a", client_secret="b", clientid="typo")
        self.assertIn("clientid", str(raised.exception))

    def test_pythonic_mode(self):
        auth = self.auth(pythonic=True)
        result = auth.token()
        self.assertIsInstance(result, Result)
        self.assertEqual(201, result.status_code)
        self.assertEqual("us-1", result.region)
        self.assertEqual(KEYS, set(result.full_return))
        wrong = self.auth(pythonic=True, client_secret="wrong-secret")
        with self.assertRaises(APIError) as raised:
            wrong.token()
        self.assertEqual(403, raised.exception.code)
        self.assertIsNone(wrong.token_value)

    def test_debug_logs_never_show_a_secret(self):
        records = []

        class Keep(logging.Handler):
            def emit(self, record):
                records.append(record.getMessage())

        logger = logging.getLogger("falcon-oauth2-test")
        logger.setLevel(logging.DEBUG)
        logger.addHandler(Keep())
        auth = self.auth(debug=logger, sanitize_log=False)
        token = auth.token()["body"]["access_token"]
        auth.revoke(token)
        self.auth(debug=logger, client_secret="wrong-secret-value").token()
        text = "\n".join(records)
        self.assertIn("OPERATION: oauth2AccessToken", text)
        self.assertIn("STATUS CODE: 201", text)
        for secret in (token, CLIENT_SECRET, "wrong-secret-value"):
            self.assertNotIn(secret, text)


if __name__ == "__main__":
    unittest.main()

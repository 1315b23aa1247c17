"""FalconPy's own service classes and Uber class on tokens from the plugin: the real FalconPy
(from the peers folder) against the emulator."""
import importlib
import logging
import os
import subprocess
import sys
import tempfile
import threading
import time
import unittest
from typing import Any, List

from emulator import CHILD_CID, CLIENT_ID, CLIENT_SECRET, Emulator
from peers import import_falconpy, keep_requests_on_loopback

import falcon_oauth2

falconpy: Any = None
bridge: Any = None


def setUpModule():  # pylint: disable=invalid-name
    """FalconPy from the peers folder (the module is skipped, with the reason, without it)."""
    global falconpy, bridge  # pylint: disable=global-statement
    falconpy = import_falconpy()
    keep_requests_on_loopback()
    bridge = importlib.import_module("falcon_oauth2.falconpy")


#: A token lifetime just past the renewal window: stale two seconds after it is issued.
SHORT_LIFETIME = 122


def data_call(service) -> int:
    """One Hosts data call's status."""
    return service.query_devices_by_filter_scroll(limit=2)["status_code"]


class FalconPySuite(unittest.TestCase):
    """One emulator for the class, and what the tests share."""

    emulator: Emulator
    emulator_options: List[str] = []

    @classmethod
    def setUpClass(cls):
        cls.emulator = Emulator(extra=cls.emulator_options)

    @classmethod
    def tearDownClass(cls):
        cls.emulator.stop()

    def keywords(self, **overrides):
        """The emulator's client; a user agent of the test's own gives it a plugin session of its
        own (one not warmed by an earlier test)."""
        given = {"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET, "base_url": self.emulator.url,
                 "ssl_verify": self.emulator.ca_file, "user_agent": "test/" + self.id().rsplit(".", 1)[-1]}
        given.update(overrides)
        return given

    def token_requests(self) -> int:
        return self.emulator.stats()["token_requests"]

    def wait_until_stale(self, auth) -> None:
        deadline = time.monotonic() + 10
        while not auth.token_stale and time.monotonic() < deadline:
            time.sleep(0.1)
        self.assertTrue(auth.token_stale)


class FalconPyTest(FalconPySuite):
    """Tokens with their usual lifetime."""

    def test_our_oauth2_is_an_auth_object_for_service_classes(self):
        auth = falcon_oauth2.OAuth2(**self.keywords())
        before = self.token_requests()
        hosts = falconpy.Hosts(auth_object=auth)
        listed = hosts.query_devices_by_filter_scroll(limit=3)
        self.assertEqual(200, listed["status_code"])
        details = hosts.get_device_details(ids=listed["body"]["resources"])
        self.assertEqual(200, details["status_code"])
        self.assertEqual(3, len(details["body"]["resources"]))
        self.assertIs(auth.auth_object, hosts.auth_object)
        self.assertIsInstance(hosts.auth_object, falconpy.FalconInterface)
        # One token, the same in both objects, and the custom base URL kept.
        self.assertEqual(before + 1, self.token_requests())
        self.assertEqual(auth.token_value, hosts.auth_object.token_value)
        self.assertEqual(self.emulator.url, hosts.base_url)
        # A second service class on the same object asks for nothing more.
        self.assertEqual(200, data_call(falconpy.Hosts(auth_object=auth)))
        self.assertEqual(before + 1, self.token_requests())

    def test_bridge_classes_are_falconpys(self):
        auth = bridge.OAuth2(**self.keywords())
        self.assertIsInstance(auth, falconpy.OAuth2)
        self.assertEqual(200, data_call(falconpy.Hosts(auth_object=auth)))
        uber = bridge.APIHarnessV2(**self.keywords())
        self.assertIsInstance(uber, falconpy.APIHarnessV2)
        self.assertEqual(200, uber.command("QueryDevicesByFilterScroll", limit=2)["status_code"])
        self.assertEqual(201, uber.command("oauth2AccessToken")["status_code"])
        self.assertEqual(418, uber.command("NoSuchOperation")["status_code"])
        # FalconPy sends a cloud alias it does not know to a host of that name; the bridge reads it.
        self.assertEqual("https://api.laggar.gcw.crowdstrike.com", bridge.OAuth2(client_id="a", client_secret="b", base_url="gov1").base_url)
        with self.assertRaises(falcon_oauth2.InvalidBaseURL):
            bridge.OAuth2(client_id="a", client_secret="b", base_url="mars-9")

    def test_plain_uber_runs_every_falconpy_operation(self):
        uber = falcon_oauth2.APIHarnessV2(**self.keywords())
        listed = uber.command("QueryDevicesByFilterScroll", limit=2)
        self.assertEqual(200, listed["status_code"])
        self.assertEqual(200, uber.command("PostDeviceDetailsV2", body={"ids": listed["body"]["resources"]})["status_code"])
        self.assertEqual(418, uber.command("NoSuchOperation")["status_code"])
        self.assertEqual(uber.token_value, uber.auth_object.token_value)

    def test_logout_revokes_and_the_next_call_logs_in_again(self):
        auth = falcon_oauth2.OAuth2(**self.keywords())
        hosts = falconpy.Hosts(auth_object=auth)
        revoked = auth.token_value
        revocations = self.emulator.stats()["revocations"]
        self.assertEqual(200, hosts.logout()["status_code"])
        self.assertEqual(revocations + 1, self.emulator.stats()["revocations"])
        self.assertIsNone(auth.token_value)
        self.assertIsNone(hosts.auth_object.token_value)
        before = self.token_requests()
        self.assertEqual(200, data_call(hosts))
        self.assertEqual(before + 1, self.token_requests())
        self.assertNotEqual(revoked, auth.token_value)

    def test_child_login_and_logout(self):
        auth = falcon_oauth2.OAuth2(**self.keywords())
        hosts = falconpy.Hosts(auth_object=auth)
        parent = auth.token_value
        self.assertTrue(hosts.child_login(member_cid=CHILD_CID))
        self.assertEqual(CHILD_CID, auth.creds["member_cid"])
        self.assertNotEqual(parent, hosts.auth_object.token_value)
        self.assertTrue(hosts.child_logout(login_as_parent=True))
        self.assertNotIn("member_cid", auth.creds)
        self.assertEqual(parent, auth.token_value)

    def test_settings_assigned_through_falconpy_reach_the_plugin(self):
        auth = bridge.OAuth2(**self.keywords(renew_window=300.0))
        self.assertEqual(300, auth.renew_window)
        hosts = falconpy.Hosts(auth_object=auth)
        auth.user_agent = "assigned-agent/3.0"
        auth.token()
        agents = [value for request in self.emulator.requests() for name, value in request["headers"].items()
                  if name.lower() == "user-agent" and request.get("path", "").startswith("/oauth2/token")]
        self.assertTrue(any(agent.startswith("assigned-agent/3.0") for agent in agents), agents)
        hosts.base_url = "https://127.0.0.1:1"  # assigned through a service class, as FalconPy allows
        refused = auth.token()
        self.assertGreaterEqual(refused["status_code"], 500)

    def test_debug_logs_never_show_a_secret(self):
        records = []

        class Keep(logging.Handler):
            def emit(self, record):
                records.append(record.getMessage())

        logger = logging.getLogger("falconpy-bridge-test")
        logger.setLevel(logging.DEBUG)
        logger.addHandler(Keep())
        auth = falcon_oauth2.OAuth2(**self.keywords(debug=logger))
        hosts = falconpy.Hosts(auth_object=auth, debug=logger)
        self.assertEqual(200, data_call(hosts))
        token = auth.token_value
        uber = bridge.APIHarnessV2(**self.keywords(debug=logger))
        self.assertEqual(201, uber.command("oauth2AccessToken")["status_code"])
        self.assertEqual(200, hosts.logout()["status_code"])
        self.assertTrue(records)
        for record in records:
            self.assertNotIn(CLIENT_SECRET, record)
            self.assertNotIn(token, record)

    def test_twenty_processes_building_a_service_class_mint_once(self):
        with tempfile.TemporaryDirectory() as store:
            os.chmod(store, 0o700)
            code = ("import sys; sys.path.insert(0, sys.argv[1]); import falconpy, falcon_oauth2; "
                    f"auth = falcon_oauth2.OAuth2(client_id={CLIENT_ID!r}, client_secret={CLIENT_SECRET!r}, "
                    f"base_url={self.emulator.url!r}, ssl_verify={self.emulator.ca_file!r}, token_cache='file:{store}'); "
                    "print(falconpy.Hosts(auth_object=auth).query_devices_by_filter_scroll()['status_code'])")
            before = self.token_requests()
            falconpy_path = os.path.dirname(os.path.dirname(falconpy.__file__))
            processes = [subprocess.Popen([sys.executable, "-c", code, falconpy_path], stdout=subprocess.PIPE,
                                          stderr=subprocess.PIPE, text=True) for _ in range(20)]
            outputs = [process.communicate(timeout=120) for process in processes]
            self.assertEqual([("200\n", "")] * 20, outputs)
            self.assertEqual(before + 1, self.token_requests())


class StaleTokenTest(FalconPySuite):
    """Tokens that turn stale two seconds after they are issued."""

    emulator_options = ["--expires-in", str(SHORT_LIFETIME)]

    def test_three_service_classes_five_threads_on_a_stale_token_make_one_request(self):
        auth = bridge.OAuth2(**self.keywords())
        services = [falconpy.Hosts(auth_object=auth), falconpy.HostGroup(auth_object=auth), falconpy.Hosts(auth_object=auth)]
        first = auth.token_value
        self.wait_until_stale(auth)
        before = self.token_requests()
        barrier = threading.Barrier(15)
        statuses = []

        def work(service):
            barrier.wait()
            statuses.append(service.headers["Authorization"])
            statuses.append(data_call(services[0]))

        threads = [threading.Thread(target=work, args=(service,)) for service in services for _ in range(5)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        self.assertEqual(before + 1, self.token_requests())
        self.assertEqual({200}, {status for status in statuses if isinstance(status, int)})
        self.assertEqual({"Bearer " + auth.token_value}, {header for header in statuses if isinstance(header, str)})
        self.assertNotEqual(first, auth.token_value)
        self.assertFalse(auth.token_stale)


if __name__ == "__main__":
    unittest.main()

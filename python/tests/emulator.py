"""The falcon-emulator binary as a child process, for the package's tests: loopback only, TLS
with its own CA, stopped when the test is done."""
import json
import os
import ssl
import subprocess
import tempfile
import time
import unittest
import urllib.request
from typing import Dict, List, Optional

CLIENT_ID = "pythonclient0123456789abcdef0123"
CLIENT_SECRET = "python-Secret/value+with=chars&1"
CHILD_CID = "abcdef0123456789abcdef0123456789"


class Emulator:
    """One emulator: us-1 and us-2 clouds, one client whose home is ``home``."""

    def __init__(self, home: str = "us-1", extra: Optional[List[str]] = None):
        """Start it and wait for its ready file (10 s at most). The tokens it issues are
        listed in ``issued_tokens()``."""
        self._work = tempfile.TemporaryDirectory(prefix="falcon-py-")
        clients = os.path.join(self._work.name, "clients.json")
        with open(os.open(clients, os.O_WRONLY | os.O_CREAT, 0o600), "w", encoding="utf-8") as out:
            json.dump({"clients": [{"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET, "cloud": home, "member_cids": [CHILD_CID]}]}, out)
        ready = os.path.join(self._work.name, "ready.json")
        arguments = [os.environ["FALCON_EMULATOR_BINARY"], "--clients", clients, "--clouds", "us-1,us-2",
                     "--tls-dir", os.path.join(self._work.name, "tls"), "--ready-file", ready] + (extra or [])
        self._record = os.path.join(self._work.name, "record")
        os.mkdir(self._record)
        self._process = subprocess.Popen(arguments, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                         env=dict(os.environ, FALCON_TEST_RECORD_DIR=self._record))
        for _ in range(400):
            if os.path.exists(ready):
                break
            time.sleep(0.025)
        else:
            self.stop()
            raise RuntimeError("the emulator did not start within 10 s")
        with open(ready, encoding="utf-8") as given:
            described = json.load(given)
        self.clouds: Dict[str, str] = described["clouds"]
        self.ca_file: str = described["ca_file"]
        self._context = ssl.create_default_context(cafile=self.ca_file)

    @property
    def url(self) -> str:
        """us-1's base URL."""
        return self.clouds["us-1"]

    def stats(self) -> Dict[str, int]:
        """The emulator's counters (token_requests, tokens_issued, revocations...)."""
        with urllib.request.urlopen(self.url + "/emulator/stats", context=self._context, timeout=10) as reply:
            return json.load(reply)

    def requests(self) -> List[Dict[str, str]]:
        """Its request log."""
        with urllib.request.urlopen(self.url + "/emulator/requests", context=self._context, timeout=10) as reply:
            return json.load(reply)

    def issued_tokens(self) -> List[str]:
        """Every token it has issued."""
        path = os.path.join(self._record, "issued-tokens")
        if not os.path.exists(path):
            return []
        with open(path, encoding="utf-8") as issued:
            return issued.read().split()

    def stop(self) -> None:
        """Stop it and remove its files."""
        self._process.terminate()
        self._process.wait(timeout=10)
        self._work.cleanup()

    def __enter__(self) -> "Emulator":
        return self

    def __exit__(self, *exc_info) -> None:
        self.stop()


class EmulatorTestCase(unittest.TestCase):
    """A suite with one emulator for all its tests, and the constructor keywords that reach it."""

    emulator: Emulator

    @classmethod
    def setUpClass(cls):
        cls.emulator = Emulator()

    @classmethod
    def tearDownClass(cls):
        cls.emulator.stop()

    def keywords(self, **overrides) -> Dict[str, object]:
        """The suite's client against the emulator, over TLS with its CA; ``overrides`` win."""
        given: Dict[str, object] = {"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET, "base_url": self.emulator.url,
                                    "ssl_verify": self.emulator.ca_file}
        given.update(overrides)
        return given

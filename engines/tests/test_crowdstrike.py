"""Our auth feeding CrowdStrike's own crowdstrike.falcon modules: the collection tarball and
FalconPy from the peers folder, ansible-playbook against the emulator over TLS with a custom base
URL, ten hosts five forks at a time, in normal and check mode, -vvv free of secrets."""
import os
import subprocess
import sys
import tempfile
import textwrap
import unittest

from collection import InstalledCollection
from emulator import CLIENT_ID, CLIENT_SECRET, EmulatorTestCase
from peers import import_falconpy, peer

HOSTS = 10
FORKS = 5
#: Two of the emulator's devices.
DEVICES = ["00000000000000000000000000001111", "00000000000000000000000000002222"]


class CrowdStrikeCollectionTest(EmulatorTestCase):
    collection: InstalledCollection

    @classmethod
    def setUpClass(cls):
        tarball = peer(os.path.join("ansible", "crowdstrike-falcon-4.13.0.tar.gz"))
        cls.falconpy_path = os.path.dirname(os.path.dirname(import_falconpy().__file__))
        super().setUpClass()
        cls.collection = InstalledCollection(tarball)

    @classmethod
    def tearDownClass(cls):
        cls.collection.remove()
        super().tearDownClass()

    def play(self, store: str, *flags: str) -> subprocess.CompletedProcess:
        """Every host: our auth (the file store shared), then CrowdStrike's host_info with its
        result, then a check of what host_info returned."""
        tasks = f"""
            - name: Authenticate once for the whole play
              falcon_native.oauth2.auth:
                token_cache: "file:{store}"
              register: falcon
              no_log: true
            - name: CrowdStrike's own module on that token
              crowdstrike.falcon.host_info:
                auth: "{{{{ falcon.auth }}}}"
                hosts: {DEVICES!r}
              register: info
            - ansible.builtin.assert:
                that:
                  - info.hosts | length == {len(DEVICES)}
                  - info.hosts | map(attribute='device_id') | list == {DEVICES!r}
            """
        with tempfile.TemporaryDirectory() as place:
            inventory = os.path.join(place, "hosts")
            with open(inventory, "w", encoding="utf-8") as hosts:
                hosts.write("[fleet]\n" + "".join(f"host{number:02d}\n" for number in range(HOSTS)))
                hosts.write(f"[fleet:vars]\nansible_connection=local\nansible_python_interpreter={sys.executable}\n")
            playbook = os.path.join(place, "play.yml")
            with open(playbook, "w", encoding="utf-8") as play:
                play.write("- hosts: fleet\n  gather_facts: false\n  tasks:\n" + textwrap.indent(textwrap.dedent(tasks), "    "))
            environment = dict(self.collection.environment, FALCON_CLIENT_ID=CLIENT_ID, FALCON_CLIENT_SECRET=CLIENT_SECRET,
                               FALCON_BASE_URL=self.emulator.url, FALCON_CA_BUNDLE=self.emulator.ca_file,
                               REQUESTS_CA_BUNDLE=self.emulator.ca_file,
                               PYTHONPATH=os.pathsep.join([os.environ.get("PYTHONPATH", ""), self.falconpy_path]),
                               # Anything FalconPy would send beyond loopback goes to a closed port.
                               HTTPS_PROXY="http://127.0.0.1:9", NO_PROXY="127.0.0.1,localhost,::1")
            return subprocess.run(["ansible-playbook", "-i", inventory, "-f", str(FORKS), *flags, playbook], env=environment,
                                  capture_output=True, text=True, timeout=600, check=False)

    def test_ten_hosts_five_forks_one_token_in_normal_and_check_mode(self):
        with tempfile.TemporaryDirectory() as store:
            os.chmod(store, 0o700)
            before = self.emulator.stats()["token_requests"]
            normal = self.play(store, "-vvv")
            self.assertEqual(0, normal.returncode, normal.stdout[-4000:])
            self.assertIn(f"ok={3}", normal.stdout)
            self.assertEqual(before + 1, self.emulator.stats()["token_requests"])
            # A dry run needs auth's token as much as a real one (crowdstrike.falcon.auth mints in check mode).
            checked = self.play(store, "--check", "-vvv")
            self.assertEqual(0, checked.returncode, checked.stdout[-4000:])
            self.assertEqual(before + 1, self.emulator.stats()["token_requests"])
            issued = self.emulator.issued_tokens()
            self.assertTrue(issued)
            for output in (normal.stdout + normal.stderr, checked.stdout + checked.stderr):
                self.assertIn("ESTABLISH LOCAL CONNECTION", output)  # -vvv took effect
                for secret in [CLIENT_SECRET] + issued:
                    self.assertNotIn(secret, output)
            devices = [request for request in self.emulator.requests() if request.get("path", "").startswith("/devices/entities/devices/v2")]
            self.assertEqual(2 * HOSTS, len(devices))


if __name__ == "__main__":
    unittest.main()

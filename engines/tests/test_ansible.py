"""The collection run by ansible-playbook (Debian's ansible-core) against the emulator over TLS:
ansible-doc for each module, a token's life in a play, crowdstrike.falcon.auth's documented
play, one token for 20 tasks, bad input, and -vvv output free of secrets and tokens."""
import os
import subprocess
import tempfile
import textwrap
import unittest

from collection import InstalledCollection
from emulator import CLIENT_ID, CLIENT_SECRET, EmulatorTestCase


class AnsibleTest(EmulatorTestCase):
    collection: InstalledCollection

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.collection = InstalledCollection()

    @classmethod
    def tearDownClass(cls):
        cls.collection.remove()
        super().tearDownClass()

    def environment(self, **extra):
        env = dict(self.collection.environment, FALCON_CLIENT_ID=CLIENT_ID, FALCON_CLIENT_SECRET=CLIENT_SECRET,
                   FALCON_BASE_URL=self.emulator.url, FALCON_CA_BUNDLE=self.emulator.ca_file)
        env.update(extra)
        return {key: value for key, value in env.items() if value is not None}

    def play(self, tasks: str, *flags: str, **environment) -> subprocess.CompletedProcess:
        with tempfile.NamedTemporaryFile("w", suffix=".yml", delete=False) as playbook:
            playbook.write("- hosts: localhost\n  gather_facts: false\n  tasks:\n" + textwrap.indent(textwrap.dedent(tasks), "    "))
        try:
            return subprocess.run(["ansible-playbook", "-i", "localhost,", "-c", "local", *flags, playbook.name],
                                  env=self.environment(**environment), capture_output=True, text=True, timeout=300, check=False)
        finally:
            os.unlink(playbook.name)

    def test_ansible_doc_renders_every_module(self):
        for module in ("token", "revoke", "auth"):
            shown = subprocess.run(["ansible-doc", f"falcon_native.oauth2.{module}"], env=self.environment(), capture_output=True, text=True,
                                   timeout=120, check=False)
            self.assertEqual(0, shown.returncode, shown.stderr)
            self.assertIn("client_secret", shown.stdout)
            self.assertIn("FALCON_BASE_URL" if module != "auth" else "FALCON_CLIENT_ID", shown.stdout)
            self.assertIn("EXAMPLES", shown.stdout)

    def test_token_life_in_a_play(self):
        before = self.emulator.stats()
        run = self.play("""
            - name: mint
              falcon_native.oauth2.token:
                force: true
              register: minted
              no_log: true
            - name: use it
              ansible.builtin.uri:
                url: "{{ lookup('env', 'FALCON_BASE_URL') }}/devices/queries/devices/v1"
                headers:
                  Authorization: "Bearer {{ minted.body.access_token }}"
                ca_path: "{{ lookup('env', 'FALCON_CA_BUNDLE') }}"
              no_log: true
            - name: revoke
              falcon_native.oauth2.revoke:
                token: "{{ minted.body.access_token }}"
              register: revoked
            - name: check
              ansible.builtin.assert:
                that:
                  - revoked.status_code == 200
                  - revoked.changed
            - name: check mode revokes nothing
              falcon_native.oauth2.revoke:
                token: "{{ minted.body.access_token }}"
              check_mode: true
              register: would
            - ansible.builtin.assert:
                that: "'nothing was sent' in would.msg"
            - name: a token request changes nothing, so it runs in check mode (the next task needs it)
              falcon_native.oauth2.token:
              check_mode: true
              register: checked
              no_log: true
            - ansible.builtin.assert:
                that:
                  - checked.status_code == 201
                  - not checked.changed
              no_log: true
            """, "-vvv")
        self.assertEqual(0, run.returncode, run.stdout[-3000:])
        after = self.emulator.stats()
        self.assertEqual(before["token_requests"] + 2, after["token_requests"])
        self.assertEqual(before["probes"] + 1, after["probes"])
        self.assertEqual(before["revocations"] + 1, after["revocations"])
        output = run.stdout + run.stderr
        self.assertIn("ESTABLISH LOCAL CONNECTION", output)  # -vvv took effect
        issued = self.emulator.issued_tokens()
        self.assertTrue(issued)
        for secret in [CLIENT_SECRET] + issued:
            self.assertNotIn(secret, output)

    def test_crowdstrikes_documented_auth_play(self):
        before = self.emulator.stats()
        run = self.play("""
            - name: Generate Authentication Credentials (access token and cloud region)
              falcon_native.oauth2.auth:
              register: falcon
              no_log: true
            - name: Check (with a base URL, auth.cloud is that URL, so the next module reaches it too)
              ansible.builtin.assert:
                that:
                  - falcon.auth.cloud == lookup('env', 'FALCON_BASE_URL')
                  - falcon.auth.access_token | length > 0
                  - not falcon.changed
              no_log: true
            - name: Revoke an OAuth2 token
              falcon_native.oauth2.auth:
                action: revoke
                access_token: "{{ falcon.auth.access_token }}"
              register: revoked
            - ansible.builtin.assert:
                that: not revoked.changed
            """, "-vvv")
        self.assertEqual(0, run.returncode, run.stdout[-3000:])
        after = self.emulator.stats()
        # Generate is one token request, revoke one revoke request (crowdstrike.falcon.auth: three).
        self.assertEqual(before["token_requests"] + 1, after["token_requests"])
        self.assertEqual(before["revoke_requests"] + 1, after["revoke_requests"])
        self.assertEqual(before["revocations"] + 1, after["revocations"])
        for secret in [CLIENT_SECRET] + self.emulator.issued_tokens():
            self.assertNotIn(secret, run.stdout + run.stderr)

    def test_twenty_tasks_share_one_token_through_the_file_cache(self):
        with tempfile.TemporaryDirectory() as store:
            os.chmod(store, 0o700)
            before = self.emulator.stats()["token_requests"]
            run = self.play("""
                - name: twenty tasks, twenty processes
                  falcon_native.oauth2.token:
                  loop: "{{ range(20) | list }}"
                  register: tokens
                  no_log: true
                - ansible.builtin.assert:
                    that: tokens.results | map(attribute='body.access_token') | unique | length == 1
                  no_log: true
                """, FALCON_TOKEN_CACHE="file:" + store)
            self.assertEqual(0, run.returncode, run.stdout[-3000:])
            self.assertEqual(before + 1, self.emulator.stats()["token_requests"])

    def test_bad_input_fails_the_task_and_sends_nothing(self):
        before = self.emulator.stats()["token_requests"]
        cases = (
            ("connect_timeout_s: soon", {}, "connect_timeout_s"),
            ("cloud: mars-1", {"FALCON_BASE_URL": None}, "connection.cloud: must be one of us-1, us-2"),
            ("force: true", {"FALCON_CLIENT_SECRET": None}, "missing required arguments: client_secret"),
            ("base_url: http://api.example.com", {"FALCON_BASE_URL": None}, "plain http:// is allowed only for loopback hosts"),
        )
        for options, environment, message in cases:
            run = self.play(f"""
                - falcon_native.oauth2.token:
                    {options}
                """, **environment)
            self.assertNotEqual(0, run.returncode, options)
            self.assertIn(message, run.stdout, options)
            self.assertNotIn(CLIENT_SECRET, run.stdout + run.stderr)
        self.assertEqual(before, self.emulator.stats()["token_requests"])

    def test_every_cloud_spelling_the_plugin_takes(self):
        run = self.play("""
            - falcon_native.oauth2.token:
                cloud: "{{ item }}"
              loop: [US-2, us2, Us-2, usgov1, gov1]
              no_log: true
            """)
        self.assertEqual(0, run.returncode, run.stdout[-3000:])

    def test_failure_carries_the_apis_errors_and_message(self):
        run = self.play("""
            - falcon_native.oauth2.auth:
              register: refused
              ignore_errors: true
            - falcon_native.oauth2.token:
              register: token_refused
              ignore_errors: true
            - ansible.builtin.assert:
                that:
                  - refused.failed
                  - refused.errors | length == 1
                  - refused.msg == refused.errors[0].message
                  - refused.auth.access_token is none
                  - token_refused.errors[0].message == token_refused.msg
                  - token_refused.status_code == 403
            """, FALCON_CLIENT_SECRET="not-the-secret")
        self.assertEqual(0, run.returncode, run.stdout[-3000:])

    def test_a_password_inside_token_cache_never_shows(self):
        password = "Redis-Pa55word-in-object"
        run = self.play(f"""
            - falcon_native.oauth2.token:
                token_cache:
                  store: redis
                  url: redis://127.0.0.1:9/0
                  password: {password}
                  timeout_ms: 200
              register: minted
            - ansible.builtin.debug:
                var: minted.status_code
            """, "-vvv")
        self.assertEqual(0, run.returncode, run.stdout[-3000:])
        output = run.stdout + run.stderr
        self.assertIn("token_cache", output)
        self.assertNotIn(password, output)

    def test_unusable_plugin_fails_the_task_cleanly(self):
        with tempfile.TemporaryDirectory() as place:
            text = os.path.join(place, "passwd")
            with open(text, "w", encoding="utf-8") as file:
                file.write("root:x:0:0:root:/root:/bin/bash\n")
            run = self.play("""
                - falcon_native.oauth2.token:
                """, FALCON_PLUGIN_PATH=text)
        self.assertNotEqual(0, run.returncode)
        self.assertIn(f"{text} is not a loadable plugin module", run.stdout)
        self.assertNotIn("Traceback", run.stdout + run.stderr)
        self.assertNotIn("MODULE FAILURE", run.stdout)


if __name__ == "__main__":
    unittest.main()

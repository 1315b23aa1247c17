"""Threads, fork, the shared token cache across processes, and finding the module."""
import ctypes
import os
import subprocess
import sys
import tempfile
import threading
import unittest

from emulator import CLIENT_ID, CLIENT_SECRET, EmulatorTestCase

from falcon_oauth2 import OAuth2


class ProcessesTest(EmulatorTestCase):
    """One emulator for the class."""

    def auth(self, **keywords) -> OAuth2:
        return OAuth2(**self.keywords(**keywords))

    def test_32_threads_on_one_cold_object_make_one_request(self):
        auth = self.auth(user_agent="threads-test/1.0")
        before = self.emulator.stats()["token_requests"]
        headers = []
        barrier = threading.Barrier(32)

        def work():
            barrier.wait()
            headers.append(auth.auth_headers["Authorization"])

        threads = [threading.Thread(target=work) for _ in range(32)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        self.assertEqual(before + 1, self.emulator.stats()["token_requests"])
        self.assertEqual(1, len(set(headers)))

    def test_fork_after_a_call(self):
        auth = self.auth(user_agent="fork-test/1.0")
        self.assertEqual(201, auth.token()["status_code"])
        child = os.fork()
        if child == 0:
            # The child's calls use connections of its own, never the parent's.
            code = 0 if auth.token()["status_code"] == 201 and auth.revoke(auth.token_value)["status_code"] == 200 else 1
            os._exit(code)  # pylint: disable=protected-access
        self.assertEqual(201, auth.token()["status_code"])
        _, status = os.waitpid(child, 0)
        self.assertEqual(0, os.waitstatus_to_exitcode(status))
        self.assertEqual(201, auth.token()["status_code"])
        self.assertEqual(200, auth.revoke(auth.token_value)["status_code"])

    def run_python(self, code: str, **environment) -> subprocess.CompletedProcess:
        env = dict(os.environ, **environment)
        return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60, check=False)

    def test_file_token_cache_across_processes(self):
        with tempfile.TemporaryDirectory() as store:
            os.chmod(store, 0o700)
            code = ("from falcon_oauth2 import OAuth2; "
                    f"a = OAuth2(client_id={CLIENT_ID!r}, client_secret={CLIENT_SECRET!r}, base_url={self.emulator.url!r}, "
                    f"ssl_verify={self.emulator.ca_file!r}, token_cache='file:{store}'); print(a.login()['status_code'], a.token_value)")
            before = self.emulator.stats()["token_requests"]
            first, second = self.run_python(code), self.run_python(code)
            self.assertEqual("", first.stderr + second.stderr)
            self.assertEqual(first.stdout, second.stdout)
            self.assertTrue(first.stdout.startswith("201 "))
            self.assertEqual(before + 1, self.emulator.stats()["token_requests"])
            # The environment says the same for code that does not pass the keyword.
            env_code = code.replace(f", token_cache='file:{store}'", "")
            self.assertEqual(first.stdout, self.run_python(env_code, FALCON_TOKEN_CACHE="file:" + store).stdout)
            self.assertEqual(before + 1, self.emulator.stats()["token_requests"])

    def test_installs_offline_and_runs_from_the_install(self):
        with tempfile.TemporaryDirectory() as target:
            installed = subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-build-isolation", "--no-index",
                                        "--target", target, os.environ["FALCON_PYTHON_SOURCE"]],
                                       capture_output=True, text=True, timeout=120, check=False)
            self.assertEqual(0, installed.returncode, installed.stderr)
            code = ("import falcon_oauth2, sys; from falcon_oauth2 import OAuth2; "
                    f"assert falcon_oauth2.__file__.startswith({target!r}), falcon_oauth2.__file__; "
                    f"a = OAuth2(client_id={CLIENT_ID!r}, client_secret={CLIENT_SECRET!r}, base_url={self.emulator.url!r}, "
                    f"ssl_verify={self.emulator.ca_file!r}); print(a.token()['status_code'])")
            ran = self.run_python(code, PYTHONPATH=target)
            self.assertEqual("201\n", ran.stdout, ran.stderr)

    def test_import_loads_only_what_a_first_call_needs(self):
        # The dearest modules a first call does not use: typing (annotations are postponed),
        # logging (imported when debugging), threading (the locks come from _thread), warnings,
        # pathlib, traceback, urllib. Whatever the interpreter itself loaded before is not the
        # package's doing.
        heavy = "('typing', 'logging', 'threading', 'warnings', 'pathlib', 'traceback', 'urllib.parse', 'inspect')"
        show = f"import sys; print(sorted(m for m in {heavy} if m in sys.modules))"
        before = self.run_python(show)
        after = self.run_python("import falcon_oauth2; " + show)
        self.assertEqual(before.stdout, after.stdout, after.stderr)
        used = self.run_python(f"from falcon_oauth2 import OAuth2; OAuth2(client_id={CLIENT_ID!r}, client_secret={CLIENT_SECRET!r}, "
                               f"base_url={self.emulator.url!r}, ssl_verify={self.emulator.ca_file!r}).token(); " + show)
        self.assertEqual(before.stdout, used.stdout, used.stderr)

    def test_module_of_another_api_version_is_refused(self):
        refused = self.run_python("from falcon_oauth2 import OAuth2; OAuth2(client_id='a', client_secret='b').token()",
                                  FALCON_PLUGIN_PATH=os.environ["FALCON_PREVIOUS_API_MODULE"])
        self.assertIn("implements plugin API version 1; this package speaks version 2", refused.stderr)

    def test_missing_module_names_every_place(self):
        missing = self.run_python("from falcon_oauth2 import OAuth2; OAuth2(client_id='a', client_secret='b').token()",
                                  FALCON_PLUGIN_PATH="/nonexistent/falcon-plugins")
        self.assertNotEqual(0, missing.returncode)
        self.assertIn("PluginNotFound", missing.stderr)
        self.assertIn("looked at: /nonexistent/falcon-plugins (FALCON_PLUGIN_PATH)", missing.stderr)
        env = {key: value for key, value in os.environ.items() if key != "FALCON_PLUGIN_PATH"}
        listed = subprocess.run([sys.executable, "-c", "from falcon_oauth2 import _plugin; print(_plugin.candidates())"],
                                env=env, capture_output=True, text=True, timeout=60, check=True).stdout
        self.assertIn("falcon-plugins/libfalcon-oauth2-plugin.so', 'the installed plugin directory'", listed)
        # No build tree, ever: a package installed elsewhere would load what another user planted there.
        self.assertNotIn("build", listed)
        from falcon_oauth2 import _configured  # pylint: disable=import-outside-toplevel
        self.assertFalse(hasattr(_configured, "BUILD_TREE_MODULE"))
        with open(_configured.__file__, encoding="utf-8") as configured:
            self.assertNotIn(os.environ["FALCON_PLUGIN_PATH"].split("/plugin/")[0], configured.read())

    def refusal(self, module: str) -> str:
        """The error a run with FALCON_PLUGIN_PATH at ``module`` ends in (it must end in one)."""
        refused = self.run_python("from falcon_oauth2 import OAuth2; OAuth2(client_id='a', client_secret='b').token()",
                                  FALCON_PLUGIN_PATH=module)
        self.assertNotEqual(0, refused.returncode)
        return refused.stderr.strip().splitlines()[-1]

    def test_module_others_could_write_is_refused(self):
        with tempfile.TemporaryDirectory() as place:
            module = os.path.join(place, "libfalcon-oauth2-plugin.so")
            with open(os.environ["FALCON_PLUGIN_PATH"], "rb") as real, open(module, "wb") as copy:
                copy.write(real.read())
            os.chmod(place, 0o755)
            os.chmod(module, 0o666)
            self.assertIn("PluginUnusable: " + module + " is writable by group or others", self.refusal(module))
            os.chmod(module, 0o755)
            os.chmod(place, 0o777)
            self.assertIn("PluginUnusable: " + module + " is in a directory writable by group or others", self.refusal(module))
            os.chmod(place, 0o1777)  # sticky: nobody else can replace the module
            ran = self.run_python("from falcon_oauth2 import invoke; print(invoke('nosuch', {}, {})['status_code'])", FALCON_PLUGIN_PATH=module)
            self.assertEqual("418\n", ran.stdout, ran.stderr)
            if os.geteuid() == 0:
                os.chmod(place, 0o755)
                os.chown(module, 65534, 65534)
                self.assertIn("belongs to another user", self.refusal(module))

    def test_output_that_is_not_json_is_the_packages_error(self):
        from falcon_oauth2 import _plugin  # pylint: disable=import-outside-toplevel
        module = _plugin.Plugin(os.environ["FALCON_PLUGIN_PATH"])
        for garbled in (b"{not json", b"\xff\xfe", b"[1, 2]", b'{"no": "status"}'):
            answer = ctypes.create_string_buffer(garbled)
            module._invoke = lambda *arguments, answer=answer: ctypes.addressof(answer)  # pylint: disable=protected-access
            module._free = lambda pointer: None  # pylint: disable=protected-access
            with self.assertRaises(_plugin.PluginUnusable, msg=repr(garbled)) as refused:
                module.invoke("token", {}, {})
            self.assertIn("answered token with", str(refused.exception))

    def test_file_that_is_no_module_is_refused_by_the_package(self):
        with tempfile.TemporaryDirectory() as place:
            text = os.path.join(place, "passwd")
            with open(text, "w", encoding="utf-8") as file:
                file.write("root:x:0:0:root:/root:/bin/bash\n")
            last = self.refusal(text)
            self.assertIn("PluginUnusable: " + text + " is not a loadable plugin module", last)


if __name__ == "__main__":
    unittest.main()

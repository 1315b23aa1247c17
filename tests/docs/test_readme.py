"""The README's snippets, run as written against the emulator: every fenced block marked
``<!-- README test: runs -->`` in one shell, in order, after the blocks marked
``<!-- README test: saved as FILE -->`` are written to FILE; ``runs with FalconPy`` blocks when
FalconPy is importable from the peers folder. They run in a scratch directory that holds the
checkout's top-level entries and its build tree, with the package staged on PYTHONPATH (what
installing the wheel gives) and a home of their own."""
import ctypes
import os
import re
import subprocess
import tempfile
import time
import unittest

import peers

SOURCE = os.environ["FALCON_SOURCE_DIR"]
BUILD = os.environ["FALCON_BUILD_DIR"]
PR_SET_CHILD_SUBREAPER = 36
MARKED_BLOCK = re.compile(r"<!-- README test: ([^>]*?) -->\n```[a-z]*\n(.*?)```", re.DOTALL)


def marked_blocks(text):
    """(line, marker, body) of each marked block, in order."""
    return [(text.count("\n", 0, match.start()) + 1, match.group(1), match.group(2)) for match in MARKED_BLOCK.finditer(text)]


class ReadmeTest(unittest.TestCase):
    def setUp(self):
        with open(os.path.join(SOURCE, "README.md"), encoding="utf-8") as readme:
            self.blocks = marked_blocks(readme.read())
        scratch = tempfile.TemporaryDirectory(prefix="readme-")
        self.addCleanup(scratch.cleanup)
        self.work = scratch.name
        for entry in os.listdir(SOURCE):
            if entry not in (".git", "build") and not entry.startswith("build-"):
                os.symlink(os.path.join(SOURCE, entry), os.path.join(self.work, entry))
        os.symlink(BUILD, os.path.join(self.work, "build"))

    def environment(self, with_falconpy):
        environment = {name: value for name, value in os.environ.items() if not name.startswith("FALCON_")}
        python_path = [os.environ["FALCON_PYTHON_SOURCE"]]
        if with_falconpy:
            python_path.append(os.path.join(peers.PEERS, "falconpy"))
        environment.update(HOME=self.work, XDG_RUNTIME_DIR=self.work, PYTHONPATH=":".join(python_path),
                           PYTHONDONTWRITEBYTECODE="1",
                           # Nothing a snippet sends may leave loopback: anything else meets a closed port.
                           HTTPS_PROXY="http://127.0.0.1:9", HTTP_PROXY="http://127.0.0.1:9", NO_PROXY="127.0.0.1,localhost,::1")
        return environment

    @staticmethod
    def falconpy_importable():
        try:
            peers.import_falconpy()
            return True
        except unittest.SkipTest:
            return False

    @staticmethod
    def collect_orphans():
        """Collects the exit status of every orphan that became this process's (the detached
        emulator), rather than leaving zombies to an init that may not collect them."""
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                if os.waitpid(-1, os.WNOHANG)[0] == 0:
                    time.sleep(0.02)        # one still stopping
            except ChildProcessError:
                return                      # none left

    def test_snippets_run_as_written(self):
        with_falconpy = self.falconpy_importable()
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
        self.addCleanup(self.collect_orphans)
        script = ["set -euo pipefail", "trap 'kill \"${FALCON_EMULATOR_PID:-}\" 2>/dev/null || true' EXIT"]
        ran = []
        for line, marker, body in self.blocks:
            saved = re.fullmatch(r"saved as ([\w.-]+)", marker)
            if saved:
                with open(os.path.join(self.work, saved.group(1)), "w", encoding="utf-8") as out:
                    out.write(body)
            elif marker == "runs" or (marker == "runs with FalconPy" and with_falconpy):
                script += [f"echo '== README.md:{line}' >&2", body]
                ran.append(line)
            elif marker != "runs with FalconPy":
                self.fail(f"README.md:{line}: unknown marker '{marker}'")
        # The made-up client's secret, kept aside to look for in the output.
        script.append('printf %s "$FALCON_CLIENT_SECRET" > .secret')
        self.assertGreaterEqual(len(ran), 6, "the README lost its runnable snippets")
        finished = subprocess.run(["bash", "-c", "\n".join(script)], cwd=self.work, env=self.environment(with_falconpy),
                                  capture_output=True, text=True, timeout=300, check=False)
        output = finished.stdout + finished.stderr
        self.assertEqual(0, finished.returncode, output)
        with open(os.path.join(self.work, ".secret"), encoding="utf-8") as secret:
            self.assertNotIn(secret.read(), output)
        self.assertIn('"source":"shared_store"', finished.stdout)       # the second run token
        self.assertIn('"status":"success"', finished.stdout)            # the workflow
        self.assertIn("201 Bearer ", finished.stdout)                   # Python
        self.assertGreaterEqual(finished.stdout.count('"status_code":201'), 3, finished.stdout)
        if with_falconpy:
            self.assertRegex(finished.stdout, r"\['[0-9a-f]{32}'")      # device IDs through FalconPy's Hosts
        else:
            print("README.md: the FalconPy snippet was not run: FalconPy is not in", peers.PEERS)


if __name__ == "__main__":
    unittest.main()

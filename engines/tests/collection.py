"""The built collection, installed with ansible-galaxy into a private path for a test class."""
import os
import subprocess
import sys
import tempfile


class InstalledCollection:
    """``ansible-galaxy collection install`` of the build's tarball into a temporary path."""

    def __init__(self, *others: str):
        """Install it (and the collection tarballs ``others``, without their dependencies); the
        path also goes on sys.path, so its modules can be imported."""
        self._directory = tempfile.TemporaryDirectory(prefix="falcon-collection-")
        self.path = self._directory.name
        self.environment = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=self.path, ANSIBLE_HOME=os.path.join(self.path, "home"),
                                ANSIBLE_LOCAL_TEMP=os.path.join(self.path, "tmp"), ANSIBLE_NOCOLOR="1", ANSIBLE_FORCE_COLOR="0",
                                ANSIBLE_PYTHON_INTERPRETER=sys.executable, ANSIBLE_DEPRECATION_WARNINGS="0")
        installed = subprocess.run(["ansible-galaxy", "collection", "install", "--offline", "-p", self.path, os.environ["FALCON_COLLECTION_TARBALL"]],
                                   env=self.environment, capture_output=True, text=True, timeout=300, check=False)
        if installed.returncode != 0:
            raise RuntimeError("ansible-galaxy collection install failed: " + installed.stdout + installed.stderr)
        for other in others:
            installed = subprocess.run(["ansible-galaxy", "collection", "install", "--offline", "--no-deps", "-p", self.path, other],
                                       env=self.environment, capture_output=True, text=True, timeout=300, check=False)
            if installed.returncode != 0:
                raise RuntimeError(f"ansible-galaxy collection install {other} failed: " + installed.stdout + installed.stderr)
        sys.path.insert(0, self.path)

    def module(self, name: str):
        """The installed module ``name``, imported."""
        __import__(f"ansible_collections.falcon_native.oauth2.plugins.modules.{name}")
        return sys.modules[f"ansible_collections.falcon_native.oauth2.plugins.modules.{name}"]

    def remove(self) -> None:
        """Remove the install."""
        sys.path.remove(self.path)
        self._directory.cleanup()

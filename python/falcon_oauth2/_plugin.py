"""The plugin module, found and called through its C interface (``falcon_plugin.h``).

ctypes releases the GIL for the length of every call into the module, so threads that call it
really run side by side; the module's own sessions are shared by all of them.
"""
from __future__ import annotations

import ctypes
import os
import stat
import sys
import _thread

from . import _configured, _jsontext
from ._types import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import Any, Dict, List, Optional, Tuple

MODULE_FILE = "libfalcon-oauth2-plugin.so"
#: The version of the C contract this package speaks.
API_VERSION = 2


class PluginNotFound(ImportError):
    """No usable plugin module was found; the message names every place that was looked at."""


class PluginUnusable(PluginNotFound):
    """A module was found but is not one to load or trust: not a library, open to others' writes,
    another API version, or answering with something that is not its JSON."""


def _debian_plugin_dirs() -> List[str]:
    # CPython names its multiarch triplet itself; sysconfig (0.6 ms to import) only where it does not.
    multiarch = getattr(sys.implementation, "_multiarch", None)
    if multiarch is None:
        import sysconfig
        multiarch = sysconfig.get_config_var("MULTIARCH")
    dirs = [f"/usr/lib/{multiarch}/falcon-plugins"] if multiarch else []
    return dirs + ["/usr/lib/falcon-plugins", "/usr/local/lib/falcon-plugins"]


def candidates() -> List[Tuple[str, str]]:
    """Every place the module may be, in the order they are tried, each with its reason.

    ``FALCON_PLUGIN_PATH`` (the module, or its directory), when set, is the only place; it is
    also how a checkout's own build is used. No build tree is ever looked in otherwise: a package
    installed elsewhere must not load whatever another user put where a build once was.
    """
    given = os.environ.get("FALCON_PLUGIN_PATH", "")
    if given:
        return [(os.path.join(given, MODULE_FILE) if os.path.isdir(given) else given, "FALCON_PLUGIN_PATH")]
    places: List[Tuple[str, str]] = []
    if _configured.INSTALLED_PLUGIN_DIR:
        places.append((os.path.join(_configured.INSTALLED_PLUGIN_DIR, MODULE_FILE), "the install prefix this package was built for"))
    for directory in _debian_plugin_dirs():
        places.append((os.path.join(directory, MODULE_FILE), "the installed plugin directory"))
    return places


def check_trusted(path: str) -> None:
    """Refuses a module that someone other than its owner (this user or root) could have written:
    a file writable by group or others, owned by another user, or in a directory that others may
    write to (unless sticky, where they cannot replace what is not theirs)."""
    me = os.geteuid()
    module = os.stat(path)
    if module.st_uid not in (me, 0):
        raise PluginUnusable(f"{path} belongs to another user (uid {module.st_uid}); refusing to load it")
    if module.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        raise PluginUnusable(f"{path} is writable by group or others; refusing to load it (chmod go-w)")
    directory = os.stat(os.path.dirname(os.path.abspath(path)))
    if directory.st_mode & (stat.S_IWGRP | stat.S_IWOTH) and not directory.st_mode & stat.S_ISVTX:
        raise PluginUnusable(f"{path} is in a directory writable by group or others; refusing to load it")


class Plugin:
    """One loaded module and its three C functions."""

    def __init__(self, path: str):
        """Load the module at ``path``; refuses a module that speaks another API version."""
        self.path = path
        check_trusted(path)
        try:
            library = ctypes.CDLL(path, mode=os.RTLD_LOCAL | os.RTLD_NOW)
        except OSError as unloadable:
            raise PluginUnusable(f"{path} is not a loadable plugin module ({unloadable})") from unloadable
        try:
            version = library.falcon_plugin_api_version
            version.restype = ctypes.c_int
            version.argtypes = []
            if version() != API_VERSION:
                raise PluginUnusable(f"{path} implements plugin API version {version()}; this package speaks version {API_VERSION}")
            self._invoke = library.falcon_plugin_invoke
            self._free = library.falcon_plugin_free
        except AttributeError as missing:
            raise PluginUnusable(f"{path} is not a Falcon plugin module (it lacks the C interface)") from missing
        # A void pointer, not c_char_p: the string must go back to the module to be freed.
        self._invoke.restype = ctypes.c_void_p
        self._invoke.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_char_p]
        self._free.restype = None
        self._free.argtypes = [ctypes.c_void_p]

    def invoke(self, action: str, action_input: Dict[str, Any], connection: Dict[str, Any]) -> Dict[str, Any]:
        """Run ``action`` and return its output object (``status_code``, ``headers``, ``body``...)."""
        raw = self._invoke(action.encode(), _jsontext.dumps(action_input).encode(), _jsontext.dumps(connection).encode())
        if not raw:
            raise MemoryError("the plugin module could not allocate its result")
        try:
            output = _jsontext.loads(ctypes.string_at(raw).decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as garbled:
            raise PluginUnusable(f"{self.path} answered {action} with something that is not JSON ({type(garbled).__name__})") from garbled
        finally:
            self._free(raw)
        if not isinstance(output, dict) or not isinstance(output.get("status_code"), int):
            raise PluginUnusable(f"{self.path} answered {action} with JSON that is not an action's output")
        return output


def invoke(action: str, action_input: Dict[str, Any], connection: Dict[str, Any]) -> Dict[str, Any]:
    """The plugin's own interface, for engines that speak its schemas (the Ansible collection, the
    StackStorm pack): ``action`` by operation ID or alias, ``action_input`` and ``connection`` as
    ``schema/`` describes them. Returns the action's whole output object (``status_code``,
    ``headers``, ``body``, ``cached``, ``source``, ``error``...)."""
    return plugin().invoke(action, action_input, connection)


_loaded: Optional[Plugin] = None
_loading = _thread.allocate_lock()


def plugin() -> Plugin:
    """The module, loaded on first use from the first place that has one (see candidates)."""
    global _loaded  # pylint: disable=global-statement
    if _loaded:
        return _loaded
    with _loading:
        if not _loaded:
            looked = []
            for path, why in candidates():
                if os.path.isfile(path):
                    _loaded = Plugin(path)
                    break
                looked.append(f"{path} ({why})")
            else:
                raise PluginNotFound("the Falcon OAuth2 plugin module was not found; looked at: " + "; ".join(looked)
                                     + ". Install it, or set FALCON_PLUGIN_PATH to the module or its directory")
    return _loaded

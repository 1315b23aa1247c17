"""Where the package's module is installed: CMake fills these values in the copy it packages.

In the source tree nothing is configured: the package then looks in the usual installed places,
or where FALCON_PLUGIN_PATH points (a checkout's own build, for one).
"""
from __future__ import annotations

#: ``<install prefix>/<libdir>/falcon-plugins`` of the CMake build the package came from.
INSTALLED_PLUGIN_DIR: str | None = None
#: The package's version.
VERSION = "0.0.0+source"

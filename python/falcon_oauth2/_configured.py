"""Where the build put things: written again by CMake into the copy it packages.

In the source tree nothing is configured: the package then looks in the usual installed places
and in the checkout's ``build/`` directory.
"""
from typing import Optional

#: ``<install prefix>/<libdir>/falcon-plugins`` of the CMake build the package came from.
INSTALLED_PLUGIN_DIR: Optional[str] = None
#: The module in that build's tree, for runs from the build.
BUILD_TREE_MODULE: Optional[str] = None
#: The package's version.
VERSION = "0.0.0+source"

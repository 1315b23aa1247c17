#!/usr/bin/env python3
"""Writes an engine's metadata from the plugin's schemas: nothing about the actions' options is
written twice by hand.

Usage: generate.py SCHEMA_DIR ansible OUT_DIR | stackstorm OUT_DIR
"""
import sys

import ansible_collection
import stackstorm_pack
from schemas import PluginSchemas

ENGINES = {"ansible": ansible_collection.generate, "stackstorm": stackstorm_pack.generate}


def main(arguments) -> int:
    if len(arguments) != 3 or arguments[1] not in ENGINES:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    ENGINES[arguments[1]](PluginSchemas(arguments[0]), arguments[2])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

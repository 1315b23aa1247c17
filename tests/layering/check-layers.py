#!/usr/bin/env python3
"""Holds plugin/oauth2's includes to its layers: each file includes its own layer's headers and
those of the layers below, never one above (the client's own headers, at the top, included by
no layer). Prints every include that points up and exits 1 when there is one.

Usage: check-layers.py PLUGIN_OAUTH2_DIR
"""
import pathlib
import re
import sys

# Each layer and the layers it may include, besides itself. "client" is the top: the headers
# directly in include/falcon/oauth2/ (the session, its configuration and its token chain).
BELOW = {
    "core": set(),
    "net": {"core"},
    "http": {"core", "net"},
    "region": {"core", "net", "http"},
    "store": {"core", "net"},
    "client": {"core", "net", "http", "region", "store"},
}
INCLUDE = re.compile(r'^\s*#\s*include\s+"falcon/oauth2/(?:(\w+)/)?\w+\.h"', re.MULTILINE)


def layer_of(path, root):
    parts = path.relative_to(root).parts
    # include/falcon/oauth2/<layer>/X.h or src/<layer>/X.cpp; one level less for the client.
    directory = parts[3] if parts[0] == "include" else parts[1]
    return directory if directory in BELOW else "client"


def main():
    root = pathlib.Path(sys.argv[1])
    files = [p for p in sorted(root.rglob("*")) if p.suffix in (".h", ".cpp") and p.parts[len(root.parts)] in ("include", "src")]
    if not files:
        print(f"check-layers: no sources under {root}", file=sys.stderr)
        return 2
    upward = []
    for path in files:
        layer = layer_of(path, root)
        for match in INCLUDE.finditer(path.read_text()):
            target = match.group(1) or "client"
            if target != layer and target not in BELOW[layer]:
                upward.append(f"{path.relative_to(root)}: the {layer} layer includes falcon/oauth2/{match.group(1) + '/' if match.group(1) else ''}... of the {target} layer")
    for line in upward:
        print(line)
    print(f"check-layers: {len(files)} files, {len(upward)} includes pointing up")
    return 1 if upward else 0


if __name__ == "__main__":
    sys.exit(main())

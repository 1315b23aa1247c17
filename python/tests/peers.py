"""Where the real peers are (FalconPy, CrowdStrike's collection, StackStorm's rules): the folder
FALCON_PEERS names, by default ../shared/peers from the project root. A suite that needs one and
does not find it is skipped with the reason."""
import os
import sys
import unittest

PROJECT_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PEERS = os.environ.get("FALCON_PEERS") or os.path.join(os.path.dirname(PROJECT_ROOT), "shared", "peers")


def peer(relative: str) -> str:
    """The path of ``relative`` inside the peers folder; skips the test when it is missing."""
    path = os.path.join(PEERS, relative)
    if not os.path.exists(path):
        raise unittest.SkipTest(f"the real peer {relative} is not at {path} (set FALCON_PEERS to the folder that holds it)")
    return path


def import_falconpy():
    """CrowdStrike's FalconPy, from the peers folder (it needs Debian's python3-requests)."""
    path = peer("falconpy")
    if path not in sys.path:
        sys.path.insert(0, path)
    try:
        import falconpy  # pylint: disable=import-outside-toplevel
    except ImportError as missing:
        raise unittest.SkipTest(f"FalconPy at {path} cannot be imported: {missing}") from missing
    return falconpy


def keep_requests_on_loopback() -> None:
    """Any request FalconPy's requests would send beyond loopback goes to a closed loopback
    port instead (the emulator stays direct): FalconPy's own region autodiscovery replaces a
    custom base URL by the public cloud's."""
    os.environ["HTTPS_PROXY"] = os.environ["HTTP_PROXY"] = "http://127.0.0.1:9"
    os.environ["NO_PROXY"] = "127.0.0.1,localhost,::1"

"""FalconPy's service classes on falcon_oauth2's tokens beside FalconPy's own, for falcon-bench.
Starts an emulator of its own (tokens stale two seconds after issue) and prints, as JSON:
token requests when 3 service classes x 5 threads meet a stale token (FalconPy's OAuth2, the
bridge); the median of a Hosts data call through each; and the mints of 20 processes that each
build a service class on the file store."""
import importlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time

import unittest

import falcon_oauth2
from emulator import CLIENT_ID, CLIENT_SECRET, Emulator
from peers import import_falconpy, keep_requests_on_loopback

#: The exit status that tells falcon-bench FalconPy is not there (the row is skipped).
NO_FALCONPY = 77

try:
    falconpy = import_falconpy()
except unittest.SkipTest as missing:
    print(missing, file=sys.stderr)
    sys.exit(NO_FALCONPY)
keep_requests_on_loopback()
bridge = importlib.import_module("falcon_oauth2.falconpy")


class PinnedOAuth2(falconpy.OAuth2):
    """FalconPy's own OAuth2 with its base URL kept: after a login its region autodiscovery
    would replace the emulator's URL by the public cloud's (a defect the bridge does not have)."""

    @property
    def base_url(self) -> str:
        return self.config.base_url

    @base_url.setter
    def base_url(self, value: str) -> None:
        del value


def stale_herd(emulator: Emulator, auth_class, **keywords) -> int:
    """Token requests made by 15 threads over 3 service classes once the token is stale."""
    auth = auth_class(client_id=CLIENT_ID, client_secret=CLIENT_SECRET, base_url=emulator.url, **keywords)
    services = [falconpy.Hosts(auth_object=auth), falconpy.HostGroup(auth_object=auth), falconpy.Hosts(auth_object=auth)]
    while not auth.token_stale:
        time.sleep(0.05)
    before = emulator.stats()["token_requests"]
    barrier = threading.Barrier(15)

    def work(service):
        barrier.wait()
        service.query_devices_by_filter_scroll(limit=1) if isinstance(service, falconpy.Hosts) else service.headers  # pylint: disable=expression-not-assigned

    threads = [threading.Thread(target=work, args=(service,)) for service in services for _ in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return emulator.stats()["token_requests"] - before


def data_call_us(hosts, calls: int) -> float:
    """The median of one Hosts data call, in microseconds."""
    samples = []
    for _ in range(calls):
        started = time.perf_counter()
        if hosts.query_devices_by_filter_scroll(limit=1)["status_code"] != 200:
            raise RuntimeError("a data call failed")
        samples.append((time.perf_counter() - started) * 1e6)
    return statistics.median(samples)


def process_mints(emulator: Emulator, count: int) -> int:
    """Mints made by ``count`` processes that each build a Hosts service class on the file store."""
    with tempfile.TemporaryDirectory() as store:
        os.chmod(store, 0o700)
        code = ("import falconpy, falcon_oauth2, sys; "
                f"auth = falcon_oauth2.OAuth2(client_id={CLIENT_ID!r}, client_secret={CLIENT_SECRET!r}, "
                f"base_url={emulator.url!r}, ssl_verify={emulator.ca_file!r}, token_cache='file:{store}'); "
                "sys.exit(falconpy.Hosts(auth_object=auth).query_devices_by_filter_scroll()['status_code'] != 200)")
        before = emulator.stats()["token_requests"]
        path = os.pathsep.join([os.path.dirname(os.path.dirname(falconpy.__file__))] + sys.path)
        processes = [subprocess.Popen([sys.executable, "-c", code], env=dict(os.environ, PYTHONPATH=path)) for _ in range(count)]
        if any(process.wait(timeout=120) != 0 for process in processes):
            raise RuntimeError("a process failed")
        return emulator.stats()["token_requests"] - before


def main() -> int:
    calls = int(sys.argv[1]) if len(sys.argv) > 1 else 300
    with Emulator(extra=["--expires-in", "122"]) as emulator:
        os.environ["REQUESTS_CA_BUNDLE"] = emulator.ca_file  # FalconPy's own drops a CA path in ssl_verify
        figures = {"falconpy_stale_token_requests": stale_herd(emulator, PinnedOAuth2),
                   "bridge_stale_token_requests": stale_herd(emulator, bridge.OAuth2, ssl_verify=emulator.ca_file)}
    with Emulator() as emulator:
        os.environ["REQUESTS_CA_BUNDLE"] = emulator.ca_file
        own = falconpy.Hosts(auth_object=PinnedOAuth2(client_id=CLIENT_ID, client_secret=CLIENT_SECRET, base_url=emulator.url))
        ours = falconpy.Hosts(auth_object=falcon_oauth2.OAuth2(client_id=CLIENT_ID, client_secret=CLIENT_SECRET,
                                                               base_url=emulator.url, ssl_verify=emulator.ca_file))
        own_us, ours_us = [], []
        for _ in range(3):  # alternating, so that a busy moment falls on both
            own_us.append(data_call_us(own, calls))
            ours_us.append(data_call_us(ours, calls))
        figures["falconpy_data_call_us"] = statistics.median(own_us)
        figures["bridge_data_call_us"] = statistics.median(ours_us)
        figures["processes"] = 20
        figures["process_mints"] = process_mints(emulator, 20)
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())

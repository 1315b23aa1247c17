"""Per-call figures of the Python package, for falcon-bench: N forced token() calls on one
OAuth2 object against the bench's emulator. Prints {"p50_us", "p99_us", "calls"} as JSON."""
import json
import os
import sys
import time

from falcon_oauth2 import OAuth2


def main() -> int:
    calls = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    auth = OAuth2(client_id=os.environ["FALCON_CLIENT_ID"], client_secret=os.environ["FALCON_CLIENT_SECRET"],
                  base_url=os.environ["FALCON_BASE_URL"], ssl_verify=os.environ["FALCON_CA_BUNDLE"])
    for _ in range(100):  # the connection, TLS and the interpreter's caches
        auth.token()
    samples = []
    for _ in range(calls):
        started = time.perf_counter()
        if auth.token()["status_code"] != 201:
            return 1
        samples.append((time.perf_counter() - started) * 1e6)
    samples.sort()
    print(json.dumps({"p50_us": samples[len(samples) // 2], "p99_us": samples[len(samples) * 99 // 100], "calls": calls}))
    return 0


if __name__ == "__main__":
    sys.exit(main())

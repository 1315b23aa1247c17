#!/usr/bin/env python3
"""A simulated fleet sharing one token through Redis over TLS.

The whole fleet lives in a network and mount namespace this script makes first (unshare), so
that nothing it does reaches the machine's own network. Inside it, every "machine" is a network
namespace with addresses from the benchmarking range 198.18.0.0/15 on two bridges: the API
network (198.18.0.0/24: the emulator at .3) and the store network (198.18.1.0/24: redis-server
with TLS at .2). Each of HOSTS machines runs waves of PROCESSES cold `falcon-host run token` at
once, with tokens short-lived enough to cross several renewal periods. In the middle wave one
machine's store link is dropped (its bridge port set down: packets vanish), so it must mint on
its own within its deadline while the others share; then the link comes back and it rejoins.

Prints the figures (mints per renewal period, fallbacks during the partition, tokens checked)
and fails when a process got no token, a token the API does not accept, or the fleet minted
more than once per renewal period outside the partition. Needs root; says so and skips
otherwise. Usage: fleet.py --falcon-host BIN --emulator BIN [--hosts 8] [--processes 25]
[--seconds 20] [--json OUT]
"""
import argparse
import concurrent.futures
import ctypes
import http.client
import json
import os
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import time

SKIP_MESSAGE = "the fleet test needs root to make network namespaces"
API_ADDRESS = "198.18.0.3"
STORE_ADDRESS = "198.18.1.2"
API_PORT = 8443
STORE_PORT = 6380
#: The shortest renewal window a session takes: a token is fresh until this much is left.
RENEWAL_WINDOW_S = 120
EXPIRES_IN_S = 124
REDIS_PASSWORD = "fleet-redis/Pass+1"
#: One Redis exchange's budget. Two cores standing in for a fleet start hundreds of processes
#: at once: a TLS handshake then waits its turn for a core well past the default 500 ms. A wave
#: of 200 cold processes takes 6 to 9.5 s here, and at 5 s the last of the first wave's
#: processes sometimes gave up on a store that was only slow to get a core.
STORE_TIMEOUT_MS = 10000
#: A process's whole run: its store budget, then a mint as starved of a core as the store was.
#: Longer means a deadline did not hold (a process stuck on the store, the API or its own exit).
PROCESS_BUDGET_MS = 2 * STORE_TIMEOUT_MS


def run(*command, **options):
    return subprocess.run(command, check=True, **options)


def die_with_parent():
    """In a child: end when the fleet's process does, whatever happens to it."""
    ctypes.CDLL(None).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


class Fleet:
    def __init__(self, args):
        self.args = args
        self.work = tempfile.mkdtemp(prefix="fleet-")
        self.children = []
        self.environment = {}

    # The network ---------------------------------------------------------------------------

    def build_network(self):
        os.makedirs("/run/netns", exist_ok=True)
        run("mount", "-t", "tmpfs", "tmpfs", "/run/netns")  # namespaces named here die with this one
        run("ip", "link", "set", "lo", "up")
        for bridge, address in (("br-api", "198.18.0.1/24"), ("br-store", "198.18.1.1/24")):
            run("ip", "link", "add", bridge, "type", "bridge")
            run("ip", "addr", "add", address, "dev", bridge)
            run("ip", "link", "set", bridge, "up")
        self.machine("api", api=API_ADDRESS)
        self.machine("redis", store=STORE_ADDRESS)
        for i in range(1, self.args.hosts + 1):
            self.machine(f"h{i}", api=f"198.18.0.{10 + i}", store=f"198.18.1.{10 + i}")

    @staticmethod
    def machine(name, api=None, store=None):
        run("ip", "netns", "add", name)
        run("ip", "-n", name, "link", "set", "lo", "up")
        for tag, bridge, address in (("a", "br-api", api), ("s", "br-store", store)):
            if not address:
                continue
            inside = "api0" if tag == "a" else "store0"
            run("ip", "link", "add", f"{tag}-{name}", "type", "veth", "peer", "name", inside, "netns", name)
            run("ip", "link", "set", f"{tag}-{name}", "master", bridge, "up")
            run("ip", "-n", name, "addr", "add", address + "/24", "dev", inside)
            run("ip", "-n", name, "link", "set", inside, "up")

    @staticmethod
    def store_link(host, up):
        """The host's port on the store network: down, its packets to Redis vanish."""
        run("ip", "link", "set", f"s-{host}", "up" if up else "down")

    # The servers ---------------------------------------------------------------------------

    def start(self, machine, command, **options):
        child = subprocess.Popen(["ip", "netns", "exec", machine, *command], preexec_fn=die_with_parent, **options)
        self.children.append(child)
        return child

    def make_certificates(self):
        self.ca = os.path.join(self.work, "ca.pem")
        key, csr, cert = (os.path.join(self.work, name) for name in ("redis.key", "redis.csr", "redis.pem"))
        quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
        run("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
            "-keyout", os.path.join(self.work, "ca.key"), "-out", self.ca, "-subj", "/CN=Fleet CA", "-days", "1", **quiet)
        run("openssl", "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", key,
            "-out", csr, "-subj", "/CN=" + STORE_ADDRESS, **quiet)
        extensions = os.path.join(self.work, "san.cnf")
        with open(extensions, "w", encoding="utf-8") as out:
            out.write(f"subjectAltName=IP:{STORE_ADDRESS}\nextendedKeyUsage=serverAuth\n")
        run("openssl", "x509", "-req", "-in", csr, "-CA", self.ca, "-CAkey", os.path.join(self.work, "ca.key"),
            "-CAcreateserial", "-out", cert, "-days", "1", "-extfile", extensions, **quiet)
        return cert, key

    def start_redis(self):
        cert, key = self.make_certificates()
        configuration = os.path.join(self.work, "redis.conf")
        with open(os.open(configuration, os.O_WRONLY | os.O_CREAT, 0o600), "w", encoding="utf-8") as out:
            out.write(f"bind {STORE_ADDRESS}\nport 0\ntls-port {STORE_PORT}\ntls-cert-file {cert}\ntls-key-file {key}\n"
                      f"tls-ca-cert-file {self.ca}\ntls-auth-clients no\nrequirepass {REDIS_PASSWORD}\nsave \"\"\n"
                      f"appendonly no\ndir {self.work}\nlogfile {self.work}/redis.log\n")
        self.start("redis", ["redis-server", configuration])
        self.redis_command("PING", wait=True)

    def redis_command(self, *arguments, wait=False):
        """One command over TLS from the fleet's own namespace; its reply's first line."""
        deadline = time.monotonic() + 10
        context = ssl.create_default_context(cafile=self.ca)
        while True:
            try:
                with socket.create_connection((STORE_ADDRESS, STORE_PORT), timeout=2) as plain:
                    with context.wrap_socket(plain, server_hostname=STORE_ADDRESS) as tls:
                        wire = ""
                        for command in (("AUTH", REDIS_PASSWORD), arguments):
                            wire += f"*{len(command)}\r\n" + "".join(f"${len(a)}\r\n{a}\r\n" for a in command)
                        tls.sendall(wire.encode())
                        replies = b""
                        while replies.count(b"\r\n") < 2:
                            replies += tls.recv(4096)
                        return replies.split(b"\r\n")[1].decode()
            except OSError:
                if not wait or time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    def start_emulator(self):
        env_file = os.path.join(self.work, "falcon.env")
        self.start("api", [self.args.emulator, "--bind", API_ADDRESS, "--clouds", "us-1", "--port", str(API_PORT),
                           "--expires-in", str(EXPIRES_IN_S), "--rate-limit", "1000000", "--tls-dir",
                           os.path.join(self.work, "api-tls"), "--print-env", env_file],
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 20
        while not os.path.exists(env_file):
            if time.monotonic() > deadline:
                raise RuntimeError("the emulator did not start")
            time.sleep(0.05)
        with open(env_file, encoding="utf-8") as lines:
            for line in lines:
                if "='" in line:
                    name, value = line.strip().split("=", 1)
                    self.environment[name] = value.strip("'")
        self.api_context = ssl.create_default_context(cafile=self.environment["FALCON_CA_BUNDLE"])

    def api_get(self, path, token=None):
        connection = http.client.HTTPSConnection(API_ADDRESS, API_PORT, context=self.api_context, timeout=10)
        headers = {"Authorization": "Bearer " + token} if token else {}
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        body = response.read()
        connection.close()
        return response.status, body

    def token_requests(self):
        return json.loads(self.api_get("/emulator/stats")[1])["token_requests"]

    # The waves -----------------------------------------------------------------------------

    def wave(self):
        """Every machine starts its processes at once; what each process got, by machine."""
        environment = dict(os.environ, **self.environment, HOME=self.work, FALCON_TOKEN_CACHE_PASSWORD=REDIS_PASSWORD)
        environment.pop("FALCON_FLEET_INSIDE", None)
        workers = {}
        for i in range(1, self.args.hosts + 1):
            workers[f"h{i}"] = subprocess.Popen(
                ["ip", "netns", "exec", f"h{i}", sys.executable, os.path.abspath(__file__), "--worker",
                 "--processes", str(self.args.processes), "--falcon-host", self.args.falcon_host,
                 "--config", self.host_configuration()],
                env=environment, stdout=subprocess.PIPE, preexec_fn=die_with_parent)
        return {host: json.loads(worker.communicate(timeout=240)[0]) for host, worker in workers.items()}

    def host_configuration(self):
        """falcon-host's configuration: the store's URL and its timeout (the object form)."""
        path = os.path.join(self.work, "falcon-host.json")
        if not os.path.exists(path):
            store = {"store": "redis", "url": f"rediss://{STORE_ADDRESS}:{STORE_PORT}/0?ca_bundle={self.ca}",
                     "timeout_ms": STORE_TIMEOUT_MS}
            with open(path, "w", encoding="utf-8") as out:
                json.dump({"falcon": {"token_cache": store}}, out)
        return path

    def run(self):
        try:
            return self.measure()
        finally:
            for child in self.children:
                child.terminate()
            for child in self.children:
                child.wait(timeout=10)
            shutil.rmtree(self.work, ignore_errors=True)

    def measure(self):
        self.build_network()
        self.start_redis()
        self.start_emulator()
        partitioned = "h1"
        started = time.monotonic()
        waves = []
        while len(waves) < 5 or time.monotonic() - started < self.args.seconds:
            index = len(waves)
            partition = index == 2
            if partition:
                self.store_link(partitioned, up=False)
            before = self.token_requests()
            wave_started = time.monotonic()
            outcomes = self.wave()
            wave = {"partition": partition, "seconds": time.monotonic() - wave_started,
                    "mints": self.token_requests() - before, "outcomes": outcomes}
            if partition:
                self.store_link(partitioned, up=True)
            waves.append(wave)
        elapsed = time.monotonic() - started
        return self.verdict(waves, elapsed, partitioned)

    def verdict(self, waves, elapsed, partitioned):
        problems = []
        tokens = set()
        processes = 0
        for index, wave in enumerate(waves):
            for host, outcomes in wave["outcomes"].items():
                for outcome in outcomes:
                    processes += 1
                    if outcome["rc"] != 0 or not outcome["token"]:
                        problems.append(f"wave {index} {host}: no token (exit {outcome['rc']}): {outcome['error']}")
                        continue
                    tokens.add(outcome["token"])
                    fell_back = outcome["fallback"]
                    if wave["partition"] and host == partitioned and not fell_back:
                        problems.append(f"wave {index} {host}: reached the store through a dropped link")
                    if fell_back and not (wave["partition"] and host == partitioned):
                        problems.append(f"wave {index} {host}: fell back without a partition: {outcome['error']}")
                    if outcome["ms"] > PROCESS_BUDGET_MS:
                        problems.append(f"wave {index} {host}: took {outcome['ms']} ms")
        rejected = [token for token in tokens if self.api_get("/devices/queries/devices/v1?limit=1", token)[0] != 200]
        if rejected:
            problems.append(f"{len(rejected)} of {len(tokens)} tokens refused by the API")
        periods = elapsed / (EXPIRES_IN_S - RENEWAL_WINDOW_S)
        shared_mints = sum(wave["mints"] for wave in waves if not wave["partition"])
        partition_mints = sum(wave["mints"] for wave in waves if wave["partition"])
        partition_fallbacks = sum(outcome["fallback"] for wave in waves if wave["partition"]
                                  for outcome in wave["outcomes"][partitioned])
        # A wave starts every process at once: the fleet mints at most once for each renewal
        # period the run crossed, and once more at the start.
        if shared_mints > periods + 1:
            problems.append(f"{shared_mints} mints outside the partition over {periods:.1f} renewal periods")
        figures = {
            "hosts": self.args.hosts, "processes_per_host": self.args.processes, "waves": len(waves),
            "processes": processes, "seconds": round(elapsed, 1), "renewal_periods": round(periods, 1),
            "mints_outside_partition": shared_mints, "mints_per_renewal_period": round(shared_mints / periods, 2),
            "partition_fallbacks": partition_fallbacks, "mints_during_partition": partition_mints,
            "distinct_tokens": len(tokens), "tokens_refused": len(rejected),
            "wave_seconds": [round(wave["seconds"], 2) for wave in waves],
        }
        print(f"fleet: {self.args.hosts} hosts x {self.args.processes} processes, {len(waves)} waves, "
              f"{processes} processes in {elapsed:.1f} s")
        print(f"fleet: {shared_mints} mints outside the partition over {periods:.1f} renewal periods "
              f"({figures['mints_per_renewal_period']} per period)")
        print(f"fleet: partition of {partitioned}: {partition_fallbacks} of {self.args.processes} processes "
              f"minted on their own ({partition_mints} mints that wave); the others shared")
        print(f"fleet: {len(tokens)} distinct tokens, {len(rejected)} refused by the API; "
              f"wave times {figures['wave_seconds']} s")
        if self.args.json:
            with open(self.args.json, "w", encoding="utf-8") as out:
                json.dump(figures, out, indent=2)
        for problem in problems[:20]:
            print("fleet: FAIL " + problem)
        return 1 if problems else 0


def worker(args):
    """Inside one machine: PROCESSES cold falcon-host runs at once; what each got, as JSON."""
    def one(_):
        started = time.monotonic()
        done = subprocess.run([args.falcon_host, "--config", args.config, "run", "token"], capture_output=True,
                              text=True, timeout=120, check=False)
        token = None
        try:
            token = json.loads(done.stdout)["body"]["access_token"]
        except (ValueError, KeyError, TypeError):
            pass
        return {"rc": done.returncode, "token": token, "fallback": "goes on without it" in done.stderr,
                "error": done.stderr.strip()[-300:], "ms": round((time.monotonic() - started) * 1000)}
    with concurrent.futures.ThreadPoolExecutor(args.processes) as pool:
        json.dump(list(pool.map(one, range(args.processes))), sys.stdout)
    return 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--falcon-host", required=True)
    parser.add_argument("--emulator")
    parser.add_argument("--hosts", type=int, default=8)
    parser.add_argument("--processes", type=int, default=25)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--json")
    parser.add_argument("--config", help=argparse.SUPPRESS)
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        return worker(args)
    if os.geteuid() != 0:
        print(SKIP_MESSAGE + "; skipped")
        return 0
    if not os.environ.get("FALCON_FLEET_INSIDE"):
        # Everything below happens in a network namespace of its own: nothing reaches the host's.
        inside = dict(os.environ, FALCON_FLEET_INSIDE="1")
        return subprocess.run(["unshare", "--net", "--mount", "--propagation", "private", sys.executable,
                               os.path.abspath(__file__), *sys.argv[1:]], env=inside, check=False).returncode
    if not args.emulator:
        parser.error("--emulator is required")
    return Fleet(args).run()


if __name__ == "__main__":
    sys.exit(main())

"""A CONNECT proxy on 127.0.0.1 for the package's tests: counts the tunnels it opens, and asks
for Basic credentials when given some."""
import base64
import select
import socket
import threading
from typing import Optional


class ConnectProxy:
    """Relays CONNECT tunnels to loopback destinations only."""

    def __init__(self, credentials: Optional[str] = None):
        """Listen on a free loopback port; ``credentials`` is ``user:password`` to require."""
        self._server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._server.bind(("127.0.0.1", 0))
        self._server.listen(16)
        self._expected = "Basic " + base64.b64encode(credentials.encode()).decode() if credentials else None
        self.tunnels = 0
        self.refused = 0
        self._stop = False
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        """http://127.0.0.1:PORT"""
        return f"http://127.0.0.1:{self._server.getsockname()[1]}"

    def _serve(self) -> None:
        self._server.settimeout(0.1)
        while not self._stop:
            try:
                client, _ = self._server.accept()
            except socket.timeout:
                continue
            threading.Thread(target=self._tunnel, args=(client,), daemon=True).start()

    def _tunnel(self, client: socket.socket) -> None:
        with client:
            client.settimeout(10)
            head = b""
            while b"\r\n\r\n" not in head and len(head) < 16384:
                chunk = client.recv(4096)
                if not chunk:
                    return
                head += chunk
            lines = head.decode("latin-1").split("\r\n")
            method, target, _ = lines[0].split(" ", 2)
            host, port = target.rsplit(":", 1)
            authorization = next((line.split(":", 1)[1].strip() for line in lines[1:] if line.lower().startswith("proxy-authorization:")), None)
            if method != "CONNECT" or host not in ("127.0.0.1", "localhost") or (self._expected and authorization != self._expected):
                self.refused += 1
                client.sendall(b"HTTP/1.1 407 Proxy Authentication Required\r\nContent-Length: 0\r\n\r\n")
                return
            upstream = socket.create_connection((host, int(port)), timeout=10)
            self.tunnels += 1
            client.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
            with upstream:
                peers = [client, upstream]
                while True:
                    readable, _, _ = select.select(peers, [], [], 10)
                    if not readable:
                        return
                    for source in readable:
                        data = source.recv(65536)
                        if not data:
                            return
                        (upstream if source is client else client).sendall(data)

    def stop(self) -> None:
        """Stop accepting."""
        self._stop = True
        self._thread.join()
        self._server.close()

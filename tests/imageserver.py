"""A small HTTP server on 127.0.0.1 that answers like Blogger's image hosts.

`/<anything>/s320/NAME` serves `thumb-NAME` when the fixtures have one (the
thumbnail), any other size segment serves NAME (the original). Some names
misbehave on purpose:

- `missing-*`: 404.
- `slow-*`: waits `slow_seconds` before answering.
- `error-page.jpg`: an HTML page sent as image/jpeg.
- `nolength-NAME`: NAME without a Content-Length header.
- `flaky-NAME`: 503 the first time, NAME afterwards.
- `drip-NAME`: NAME sent 16 bytes every 0.1 s.
- `go/<path>`: a 302 to the `Location` set in `server.redirects[path]`.

Names in `server.files` are served from memory (the benchmark's pictures).

Every request is recorded in `server.requests` as (host header, path).
"""

import mimetypes
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "images"


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):  # quiet
        pass

    def do_GET(self):  # noqa: N802
        server = self.server
        with server.lock:
            server.requests.append((self.headers.get("Host", ""), self.path))
        path = self.path.split("?", 1)[0]
        segments = path.strip("/").split("/")
        name = segments[-1]
        if segments[0] == "go":
            target = server.redirects.get("/".join(segments[1:]))
            return self._send(302, b"", "text/plain", {"Location": target or "/"})
        if name.startswith("missing-"):
            return self._send(404, b"<html>Not found</html>", "text/html")
        if name.startswith("slow-"):
            time.sleep(server.slow_seconds)
            name = name.removeprefix("slow-")
        if name.startswith("drip-"):
            return self._drip(server.root / name.removeprefix("drip-"))
        if name.startswith("flaky-"):
            with server.lock:
                first = path not in server.flaked
                server.flaked.add(path)
            if first:
                return self._send(503, b"busy", "text/plain", {"Retry-After": "0"})
            name = name.removeprefix("flaky-")
        if name == "error-page.jpg":
            body = (server.root / "error-page.html").read_bytes()
            return self._send(200, body, "image/jpeg")
        length = True
        if name.startswith("nolength-"):
            name, length = name.removeprefix("nolength-"), False
        size = segments[-2] if len(segments) >= 2 else ""
        if name in server.files:
            return self._send(200, server.files[name], "image/jpeg", length=length)
        file = server.root / name
        if size.startswith("s320") and (server.root / f"thumb-{name}").exists():
            file = server.root / f"thumb-{name}"
        if not file.is_file() or "/" in name or name.startswith("."):
            return self._send(404, b"<html>Not found</html>", "text/html")
        body = file.read_bytes()
        kind = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
        self._send(200, body, kind, length=length)

    def _drip(self, file):
        """The whole file announced, then sent a few bytes at a time."""
        body = file.read_bytes()
        self.send_response(200)
        self.send_header("Content-Type", "image/jpeg")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        try:
            for start in range(0, len(body), 16):
                self.wfile.write(body[start : start + 16])
                self.wfile.flush()
                time.sleep(0.1)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def _send(self, status, body, kind, headers=None, *, length=True):
        self.send_response(status)
        self.send_header("Content-Type", kind)
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        if length:
            self.send_header("Content-Length", str(len(body)))
        else:
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        try:
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass


class ImageServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def __init__(self, root: Path = FIXTURES, port: int = 0):
        super().__init__(("127.0.0.1", port), _Handler)
        self.root = Path(root)
        self.requests: list[tuple[str, str]] = []
        self.redirects: dict[str, str] = {}
        self.flaked: set[str] = set()
        self.slow_seconds = 3.0
        self.files: dict[str, bytes] = {}  # name -> bytes served from memory
        self.lock = threading.Lock()
        self._thread = threading.Thread(
            target=self.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def port(self) -> int:
        return self.server_address[1]

    def start(self):
        self._thread.start()
        return self

    def stop(self):
        self.shutdown()
        self.server_close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


class FakeNetwork:
    """Blogger's image hosts, routed to an ImageServer; nothing else reachable.

    Names under blogspot.com and googleusercontent.com resolve to 127.0.0.1,
    and a connection to 127.0.0.1:80 reaches the server's own port, so
    fixtures can keep real Blogger URLs. Every lookup and every connection
    attempt is recorded; any other connection is refused.
    """

    BLOGGER = (".blogspot.com", ".googleusercontent.com")

    def __init__(self, server: ImageServer):
        self.server = server
        self.lookups: list[str] = []
        self.connections: list[tuple[str, int]] = []

    def install(self, monkeypatch):
        import ipaddress
        import socket

        real_getaddrinfo = socket.getaddrinfo
        real_connect = socket.socket.connect
        network = self

        def getaddrinfo(host, port, *args, **kwargs):
            network.lookups.append(host)
            try:
                ipaddress.ip_address(host)
                literal = True
            except ValueError:
                literal = False
            if literal or host.endswith(network.BLOGGER):
                address = host if literal else "127.0.0.1"
                return real_getaddrinfo(address, port, *args, **kwargs)
            raise socket.gaierror(socket.EAI_NONAME, f"test network: no {host}")

        def connect(sock, address):
            host, port = address[0], address[1]
            network.connections.append((host, port))
            if host == "127.0.0.1" and port in (80, network.server.port):
                return real_connect(sock, ("127.0.0.1", network.server.port))
            raise ConnectionRefusedError(f"test network: {host}:{port} is off limits")

        monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
        monkeypatch.setattr(socket.socket, "connect", connect)
        return self

    def outside_connections(self):
        return [c for c in self.connections if c[0] != "127.0.0.1"]

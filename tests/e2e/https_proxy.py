"""A local HTTPS proxy that answers for named origins with pages the tests choose.

Playwright routes `https://phone.cloudtalk.io` inside Chromium. Firefox and WebKit are driven
through WebDriver-style protocols that cannot intercept requests, so they are pointed at this
proxy instead: it accepts CONNECT for the hosts it knows, ends TLS with a certificate for that
host (made by trustme; the browsers are told to accept it), and serves the page. The fake phone
so gets exactly the origin `https://phone.cloudtalk.io`, as in production. Every request for any
other host is refused and recorded: nothing the app asks for may leave the machine.

Hand-written on purpose: mitmproxy would do it, at the price of a large dependency tree and a
second event loop for what is ~100 lines of standard library here.

    proxy = HttpsProxy()
    proxy.serve("phone.cloudtalk.io", "<html>…</html>")
    ...
    proxy.loads["phone.cloudtalk.io"]  # the URLs the browser loaded from it
"""

from __future__ import annotations

import contextlib
import socket
import socketserver
import ssl
import threading
from collections import defaultdict
from pathlib import Path
from typing import BinaryIO

import trustme

SILENT_FOR_S = 300  # a request that gets no answer holds its connection at most this long (a test's own limit)


class HttpsProxy:
    def __init__(self) -> None:
        self._pages: dict[str, str] = {}
        self.loads: defaultdict[str, list[str]] = defaultdict(list)
        self.refused: list[str] = []  # what was asked of any other host
        self._silent: set[str] = set()  # hosts whose requests get no answer at all
        self._ca = trustme.CA()
        self._contexts: dict[str, ssl.SSLContext] = {}
        self._lock = threading.Lock()
        proxy = self

        class Handler(socketserver.StreamRequestHandler):
            def handle(self) -> None:
                proxy._handle(self.connection, self.rfile)

        self._server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler, bind_and_activate=True)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    def serve(self, host: str, body: str) -> None:
        """Answer every GET to https://host/ with this HTML page."""
        with self._lock:
            self._pages[host] = body
            if host not in self._contexts:
                context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
                self._ca.issue_cert(host).configure_cert(context)
                self._contexts[host] = context

    def never_answer(self, host: str) -> None:
        """From now on, requests to https://host/ are read and recorded, and get no answer at all, as behind a
        firewall that drops them: the connection stays open until the browser gives up on it."""
        with self._lock:
            self._silent.add(host)

    def reset(self, pages: dict[str, str]) -> None:
        """Forget what was served and refused, and serve only these pages (a new test)."""
        with self._lock:
            self._silent.clear()
            self._pages.clear()
            self.loads.clear()
            self.refused.clear()
        for host, body in pages.items():
            self.serve(host, body)

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def write_ca(self, path: Path) -> Path:
        self._ca.cert_pem.write_to_path(str(path))
        return path

    # ------------------------------------------------------------ one connection

    def _handle(self, connection: socket.socket, rfile: BinaryIO) -> None:
        request = rfile.readline(8192).decode("latin-1").strip()
        _read_headers(rfile)
        method, _, rest = request.partition(" ")
        target = rest.split(" ")[0]
        if method != "CONNECT":
            self.refused.append(target)
            connection.sendall(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            return
        host = target.rsplit(":", 1)[0]
        with self._lock:
            context = self._contexts.get(host) if host in self._pages else None
        if context is None:
            self.refused.append(f"https://{host}/")
            connection.sendall(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n")
            return
        connection.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
        with contextlib.suppress(OSError, ssl.SSLError), context.wrap_socket(connection, server_side=True) as tls:
            stream = tls.makefile("rb")
            while True:  # keep-alive: several requests may come over one tunnel
                line = stream.readline(8192).decode("latin-1").strip()
                if not line:
                    return
                _read_headers(stream)
                path = line.split(" ")[1] if " " in line else "/"
                with self._lock:
                    body = self._pages.get(host, "").encode()
                    self.loads[host].append(f"https://{host}{path}")
                    silent = host in self._silent
                if silent:
                    tls.settimeout(SILENT_FOR_S)
                    while tls.recv(4096):  # until the browser closes the connection (or the time is up)
                        pass
                    return
                head = (
                    "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n"
                    f"Content-Length: {len(body)}\r\nCache-Control: no-store\r\n\r\n"
                )
                tls.sendall(head.encode() + body)


def _read_headers(stream: BinaryIO) -> None:
    while stream.readline(8192).strip():
        pass

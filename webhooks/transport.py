"""One webhook POST to a checked destination (`webhooks.addresses.Destination`).

The connection goes to the addresses that were checked, never to a second DNS answer: the
socket is opened to the IP, while the Host header and the TLS name (SNI and certificate
check) are the URL's host name. Redirects are not followed (http.client never follows
them): a 3xx is a failed attempt like any other non-2xx. Of a refusal's body, at most
EXCERPT_CHARS characters are kept, for the delivery log.
"""

import http.client
import socket
import ssl
import time
from dataclasses import dataclass

from django.utils.translation import gettext as _

from .addresses import Destination, IPAddress

EXCERPT_CHARS = 200


@dataclass
class PostResult:
    status: int | None
    error: str
    duration_ms: int

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


def _connect(addresses: tuple[IPAddress, ...], port: int, timeout: float) -> socket.socket:
    error: OSError = OSError("no address to connect to")
    for ip in addresses:
        try:
            return socket.create_connection((str(ip), port), timeout=timeout)
        except OSError as exc:
            error = exc
    raise error


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """http.client's connection, opened to checked addresses instead of resolving `host`."""

    def __init__(self, destination: Destination, timeout: float):
        super().__init__(destination.host, destination.port, timeout=timeout)
        self.addresses = destination.addresses

    def connect(self) -> None:
        self.sock = _connect(self.addresses, self.port, self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """The same for https: TLS to the checked address, verified for the URL's host name."""

    def __init__(self, destination: Destination, timeout: float):
        self.tls = ssl.create_default_context()
        super().__init__(destination.host, destination.port, timeout=timeout, context=self.tls)
        self.addresses = destination.addresses

    def connect(self) -> None:
        sock = _connect(self.addresses, self.port, self.timeout)
        try:
            self.sock = self.tls.wrap_socket(sock, server_hostname=self.host)
        except BaseException:
            sock.close()
            raise


def _excerpt(response: http.client.HTTPResponse) -> str:
    text = response.read(EXCERPT_CHARS * 4).decode("utf-8", "replace")
    text = " ".join("".join(ch if ch.isprintable() else " " for ch in text).split())
    return text[:EXCERPT_CHARS]


def post(destination: Destination, body: bytes, headers: dict[str, str], *, timeout: float) -> PostResult:
    """POST `body`; the result has the status and, for a refusal, `HTTP <status>` with a
    short excerpt of the answer (none for a redirect, which is not followed)."""
    started = time.monotonic()
    connection_class = _PinnedHTTPSConnection if destination.scheme == "https" else _PinnedHTTPConnection
    connection = connection_class(destination, timeout)
    status: int | None = None
    error = ""
    try:
        connection.request("POST", destination.target, body=body, headers=headers)
        response = connection.getresponse()
        status = response.status
        if 300 <= status < 400:
            error = _("HTTP %(status)s: redirects are not followed.") % {"status": status}
        elif not 200 <= status < 300:
            error = f"HTTP {status}: {_excerpt(response)}".strip().rstrip(":")
    except (OSError, http.client.HTTPException, ValueError) as exc:
        error = f"{type(exc).__name__}: {exc}"[:EXCERPT_CHARS * 2]
    finally:
        connection.close()
    return PostResult(status=status, error=error, duration_ms=int((time.monotonic() - started) * 1000))

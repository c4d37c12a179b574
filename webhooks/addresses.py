"""Where a webhook may be sent: public addresses only, so that whoever registers an
endpoint cannot make the server POST into its own network (cloud metadata at
169.254.169.254, an admin port on localhost, a database on 10.x).

`destination(url)` is the one check, used when an endpoint is saved and again before every
delivery: it parses the URL, resolves the host name once with getaddrinfo (which also reads
odd IPv4 spellings such as `0177.0.0.1`, `2130706433` or `0x7f.1` as the OS would), and
refuses if any address is private, loopback, link-local, shared (100.64/10), multicast,
reserved, unspecified, IPv4-mapped or otherwise not globally reachable. The delivery then
connects to exactly those checked addresses (`webhooks.transport`), so a DNS answer that
changes between the check and the connection cannot redirect it.

An operator may name internal receivers in WEBHOOK_ALLOWED_INTERNAL_HOSTS: host names
(allowed whatever they resolve to), IP addresses or networks (`10.1.2.0/24`).
"""

import ipaddress
import re
from dataclasses import dataclass
from socket import IPPROTO_TCP, SOCK_STREAM, getaddrinfo
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

DEFAULT_PORTS = {"http": 80, "https": 443}
NAT64 = ipaddress.IPv6Network("64:ff9b::/96")  # the well-known prefix: an IPv4 address in its last 32 bits
HOST_NAME = re.compile(r"[a-z0-9_-]+(\.[a-z0-9_-]+)*\.?", re.IGNORECASE)  # after IDNA; also 0177.0.0.1


class Refused(Exception):
    """The URL may not receive webhooks; `message` says why, for the person who typed it."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class Unresolved(Exception):
    """The host name has no address right now (DNS down, name not yet published)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Destination:
    """A checked URL: where to connect (`addresses`, in the resolver's order) and what to
    ask for there (`host` for the Host header and TLS name, `target` as the request path)."""

    scheme: str
    host: str
    port: int
    target: str
    addresses: tuple[IPAddress, ...]


def is_public(ip: IPAddress) -> bool:
    """True for an address on the public internet. IPv6 forms that carry an IPv4 address
    (mapped `::ffff:a.b.c.d`, 6to4, Teredo, NAT64) are judged by what they carry, and
    mapped ones are refused outright: a receiver has no business being reached that way."""
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None or ip.teredo is not None or ip.is_site_local:
            return False
        if ip.sixtofour is not None and not is_public(ip.sixtofour):
            return False
        if ip in NAT64 and not is_public(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)):
            return False
    return ip.is_global and not (
        ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_multicast or ip.is_reserved
        or ip.is_unspecified
    )


@dataclass(frozen=True)
class Allowance:
    """The operator's exceptions: host names, and addresses or networks."""

    names: frozenset[str]
    networks: tuple[IPNetwork, ...]

    def allows(self, host: str, addresses: tuple[IPAddress, ...]) -> bool:
        if _normal(host) in self.names:
            return True
        return all(is_public(ip) or any(ip in net for net in self.networks) for ip in addresses)


def allowance() -> Allowance:
    """WEBHOOK_ALLOWED_INTERNAL_HOSTS as read now (tests change it per test)."""
    names: set[str] = set()
    networks: list[IPNetwork] = []
    for entry in getattr(settings, "WEBHOOK_ALLOWED_INTERNAL_HOSTS", []) or []:
        entry = str(entry).strip()
        if not entry:
            continue
        try:
            networks.append(ipaddress.ip_network(entry.strip("[]"), strict=False))
        except ValueError:
            names.add(_normal(entry))
    return Allowance(names=frozenset(names), networks=tuple(networks))


def _normal(host: str) -> str:
    return host.strip().lower().rstrip(".")


def _literal(host: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(host)  # the usual spellings, IPv6 with a zone (fe80::1%eth0) too
    except ValueError:
        return None


def _valid_host(host: str) -> bool:
    if _literal(host) is not None:
        return True
    try:
        ascii_host = host.encode("idna").decode("ascii")
    except UnicodeError:
        return False
    return bool(HOST_NAME.fullmatch(ascii_host))


def _is_localhost_name(host: str) -> bool:
    """`localhost` and names under it are this machine whatever DNS says (RFC 6761)."""
    name = _normal(host)
    return name == "localhost" or name.endswith(".localhost")


def resolve(host: str, port: int) -> tuple[IPAddress, ...]:
    """Every TCP address of `host`, in the resolver's order, without repeats. A numeric
    host is read by getaddrinfo as the OS would read it (octal, hex, one-number forms)."""
    if (literal := _literal(host)) is not None:
        return (literal,)
    found: dict[IPAddress, None] = {}
    for _family, _type, _proto, _name, sockaddr in getaddrinfo(host, port, type=SOCK_STREAM, proto=IPPROTO_TCP):
        found[ipaddress.ip_address(str(sockaddr[0]).split("%", 1)[0])] = None
    return tuple(found)


def _parse(url: str) -> tuple[str, str, int, str]:
    invalid = _("Enter a valid URL.")
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        port = parts.port
    except ValueError:
        raise Refused(invalid) from None
    if not host or port == 0 or any(ch.isspace() for ch in url) or not _valid_host(host):
        raise Refused(invalid)
    if parts.username is not None or parts.password is not None:
        raise Refused(_("Put no credentials in the URL; verify the signature instead."))
    allow_http = getattr(settings, "WEBHOOK_ALLOW_HTTP_LOCALHOST", False)
    if parts.scheme != "https" and not (parts.scheme == "http" and allow_http):
        raise Refused(_("The URL must start with https://."))
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return parts.scheme, host, port or DEFAULT_PORTS[parts.scheme], target


def destination(url: str) -> Destination:
    """Check `url` and resolve its host once. Raises `Refused` (with the message for the
    URL field) or `Unresolved`. Plain http passes only where WEBHOOK_ALLOW_HTTP_LOCALHOST
    is on and every address is this machine's (tests, development)."""
    scheme, host, port, target = _parse(url)
    refused = Refused(_(
        "Webhooks are sent to public addresses only: %(host)s is or resolves to a private, loopback or "
        "other internal address (the operator may allow it in WEBHOOK_ALLOWED_INTERNAL_HOSTS)."
    ) % {"host": host})
    try:
        addresses = resolve(host, port)
    except (OSError, UnicodeError, ValueError):
        if _is_localhost_name(host) and _normal(host) not in allowance().names:
            raise refused from None
        raise Unresolved(_("The host name %(host)s could not be resolved.") % {"host": host}) from None
    if not addresses:
        raise Unresolved(_("The host name %(host)s could not be resolved.") % {"host": host})
    if not allowance().allows(host, addresses):
        raise refused
    if scheme == "http" and not all(ip.is_loopback for ip in addresses):
        raise Refused(_("The URL must start with https://."))
    return Destination(scheme=scheme, host=host, port=port, target=target, addresses=addresses)

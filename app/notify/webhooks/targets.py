"""Where a webhook may go: public internet addresses only (docs/security.md, "Webhook targets").

A seller's URL is checked when it is registered and again on every connection, on the address
the connection is actually made to: the name is resolved once, every address it gives is vetted,
and the socket connects to a vetted address, so a name that answers a public address at
registration and 127.0.0.1 later (DNS rebinding) gets nowhere. TLS still checks the certificate
against the URL's host name. WEBHOOK_ALLOW_PRIVATE=1 lets private, loopback and CGNAT targets
through for on-premise receivers; link-local (cloud metadata), multicast, broadcast and the
unspecified address stay refused even then.
"""

from __future__ import annotations

import functools
import ipaddress
import socket
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import NameResolutionError, NewConnectionError

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
REFUSED = "must be a public internet address (not loopback, private, link-local or reserved)"
_NAT64 = ipaddress.ip_network("64:ff9b::/96")


class RefusedTarget(ValueError):
    """The URL's host is, or resolves to, an address webhooks must not reach."""


def _embedded_v4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 one stands for (mapped, 6to4, Teredo, NAT64), if any."""
    if ip.ipv4_mapped:
        return ip.ipv4_mapped
    if ip.sixtofour:
        return ip.sixtofour
    if ip.teredo:
        return ip.teredo[1]
    if ip in _NAT64:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


_TEREDO = ipaddress.IPv6Network("2001::/32")


def allowed(ip: Address, allow_private: bool = False) -> bool:
    """Whether a webhook may connect to this address."""
    # Deprecated site-local (fec0::/10) and Teredo tunnels (2001::/32): Python counts both as
    # global, no webhook receiver lives there, and a tunnel can lead back inside.
    if isinstance(ip, ipaddress.IPv6Address) and (ip.is_site_local or ip in _TEREDO):
        return False
    if isinstance(ip, ipaddress.IPv6Address):
        v4 = _embedded_v4(ip)
        if v4 is not None:
            return allowed(v4, allow_private)
    # Never, whatever the setting: nothing on premises is a webhook receiver there, and
    # 169.254.169.254 is every cloud's metadata service.
    if ip.is_link_local or ip.is_multicast or ip.is_unspecified:
        return False
    if isinstance(ip, ipaddress.IPv4Address) and ip == ipaddress.IPv4Address("255.255.255.255"):
        return False
    if allow_private:
        return True
    # is_global is False for loopback, RFC 1918, CGNAT (100.64/10), documentation and
    # benchmarking ranges; reserved catches 240/4 and the deprecated IPv4-compatible ::/96.
    return ip.is_global and not ip.is_reserved


def _literal(host: str) -> Address | None:
    """The address a host spelled as one stands for, in any spelling the C resolver takes:
    `2130706433`, `0x7f.1`, `0177.0.0.1`, `127.1`, `[::ffff:127.0.0.1]`."""
    host = host.rstrip(".")  # `127.0.0.1.` is the same address to some resolvers
    try:
        return ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        pass
    try:
        return ipaddress.IPv4Address(socket.inet_aton(host))
    except (OSError, ValueError):
        return None


def _local_name(host: str) -> bool:
    name = host.rstrip(".").lower()
    return name == "localhost" or name.endswith(".localhost")


def resolve(host: str, port: int, allow_private: bool) -> list[tuple]:
    """getaddrinfo's answers for host, every one vetted; raises RefusedTarget if any is not
    allowed (one bad address in a round-robin set refuses the name: it may be the next one
    picked). Raises OSError when the name does not resolve."""
    if not allow_private and _local_name(host):
        raise RefusedTarget(REFUSED)
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    for info in infos:
        if not allowed(ipaddress.ip_address(info[4][0].split("%", 1)[0]), allow_private):
            raise RefusedTarget(REFUSED)
    return infos


def check_url(url: str, allow_private: bool) -> None:
    """Refuse, at registration, a URL whose host is a refused address, a local name, or a
    name resolving to a refused address. A name that does not resolve yet is accepted: the
    check on every connection still applies."""
    try:
        parts = urlsplit(url)
        host, port = parts.hostname or "", parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise RefusedTarget("must be an http:// or https:// URL with a host and a valid port")\
            from None
    if not url.isprintable() or not _encodable(host):
        # A control character or a name no resolver takes (a label over 63 bytes, say) would
        # fail at every send, for ever: refuse it now, naming the URL.
        raise RefusedTarget("must be an http:// or https:// URL with a valid host name")
    literal = _literal(host)
    if literal is not None:
        if not allowed(literal, allow_private):
            raise RefusedTarget(REFUSED)
        return
    try:
        resolve(host, port, allow_private)
    except (OSError, UnicodeError):
        pass


def _encodable(host: str) -> bool:
    try:
        host.encode("idna")
    except UnicodeError:
        return False
    return bool(host)


class _Vetted:
    """Connect only to an address `resolve` allowed; `allow_private` is set per subclass."""

    allow_private = False

    def _new_conn(self):
        name, last = self._dns_host, None
        try:
            infos = resolve(name, self.port, self.allow_private)
        except socket.gaierror as exc:
            raise NameResolutionError(self.host, self, exc) from exc
        for info in infos:
            self._dns_host = info[4][0]  # connect to this vetted address, not a new lookup
            try:
                return super()._new_conn()
            except NewConnectionError as exc:  # the next address, as create_connection does
                last = exc
            finally:
                self._dns_host = name  # TLS takes the host name for SNI and verification
        raise last or NewConnectionError(self, "no address")


@functools.cache
def _pool_classes(allow_private: bool) -> dict[str, type]:
    http = type("VettedHTTPConnection", (_Vetted, HTTPConnection),
                {"allow_private": allow_private})
    https = type("VettedHTTPSConnection", (_Vetted, HTTPSConnection),
                 {"allow_private": allow_private})
    return {"http": type("VettedHTTPPool", (HTTPConnectionPool,), {"ConnectionCls": http}),
            "https": type("VettedHTTPSPool", (HTTPSConnectionPool,), {"ConnectionCls": https})}


class VettedAdapter(HTTPAdapter):
    def __init__(self, allow_private: bool) -> None:
        self.allow_private = allow_private
        super().__init__(max_retries=0)

    def init_poolmanager(self, *args, **kwargs) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = _pool_classes(self.allow_private)


def session(allow_private: bool, verify: str | bool = True) -> requests.Session:
    """A session whose every connection is vetted. Proxies from the environment are not used:
    through a proxy the check would vet the proxy's address, not the receiver's."""
    s = requests.Session()
    s.trust_env = False
    # trust_env also drops the CA bundle settings: config keeps them (WEBHOOK_CA_BUNDLE), for
    # receivers on premises that present a certificate from a private CA.
    s.verify = verify
    adapter = VettedAdapter(allow_private)
    s.mount("http://", adapter)
    s.mount("https://", adapter)
    return s

"""Which network destinations the fetcher may connect to: pure functions, no I/O.

The rule is "public unicast internet only". Anything that reaches inside the company network
(loopback, RFC 1918, link-local and the cloud metadata address, CGNAT, ULA) or that is not a
real destination (multicast, reserved, documentation, benchmarking) is refused. IPv6 forms that
carry an IPv4 address inside them (IPv4-mapped, NAT64, 6to4, Teredo) are judged by the IPv4
address they carry, because that is where the packets end up.

The tables are written out here on purpose instead of trusting ``ipaddress.is_global``: on
Python 3.11 it calls e.g. the NAT64 form of 169.254.169.254 "global".
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network, ip_network

IPAddress = IPv4Address | IPv6Address
IPNetwork = IPv4Network | IPv6Network

_REFUSED_V4: tuple[tuple[IPv4Network, str], ...] = tuple(
    (IPv4Network(net), label)
    for net, label in (
        ("0.0.0.0/8", "unspecified"),
        ("10.0.0.0/8", "private"),
        ("100.64.0.0/10", "shared address space (CGNAT)"),
        ("127.0.0.0/8", "loopback"),
        ("169.254.0.0/16", "link-local (cloud metadata)"),
        ("172.16.0.0/12", "private"),
        ("192.0.0.0/24", "IETF protocol assignments"),
        ("192.0.2.0/24", "documentation"),
        ("192.88.99.0/24", "6to4 relay anycast"),
        ("192.168.0.0/16", "private"),
        ("198.18.0.0/15", "benchmarking"),
        ("198.51.100.0/24", "documentation"),
        ("203.0.113.0/24", "documentation"),
        ("224.0.0.0/4", "multicast"),
        ("240.0.0.0/4", "reserved"),  # includes the broadcast address
    )
)

_REFUSED_V6: tuple[tuple[IPv6Network, str], ...] = tuple(
    (IPv6Network(net), label)
    for net, label in (
        ("::/128", "unspecified"),
        ("::1/128", "loopback"),
        ("::/96", "IPv4-compatible (deprecated)"),
        ("64:ff9b:1::/48", "local-use NAT64"),
        ("100::/64", "discard-only"),
        ("2001::/23", "IETF protocol assignments"),
        ("2001:db8::/32", "documentation"),
        ("3fff::/20", "documentation"),
        ("5f00::/16", "segment routing"),
        ("fc00::/7", "unique local (private)"),
        ("fe80::/10", "link-local"),
        ("fec0::/10", "site-local (deprecated)"),
        ("ff00::/8", "multicast"),
    )
)

_GLOBAL_UNICAST_V6 = IPv6Network("2000::/3")
_IPV4_MAPPED = IPv6Network("::ffff:0:0/96")
_NAT64 = IPv6Network("64:ff9b::/96")
_SIX_TO_FOUR = IPv6Network("2002::/16")
_TEREDO = IPv6Network("2001::/32")

# Ports that browsers refuse to fetch (WHATWG Fetch "bad port" list): talking HTTP to them is
# how an HTTP client gets abused against mail, IRC, SSH and similar services.
# fmt: off
BLOCKED_PORTS: frozenset[int] = frozenset(
    {1, 7, 9, 11, 13, 15, 17, 19, 20, 21, 22, 23, 25, 37, 42, 43, 53, 69, 77, 79, 87, 95, 101,
     102, 103, 104, 109, 110, 111, 113, 115, 117, 119, 123, 135, 137, 139, 143, 161, 179, 389,
     427, 465, 512, 513, 514, 515, 526, 530, 531, 532, 540, 548, 554, 556, 563, 587, 601, 636,
     989, 990, 993, 995, 1719, 1720, 1723, 2049, 3659, 4045, 4190, 5060, 5061, 6000, 6566,
     6665, 6666, 6667, 6668, 6669, 6679, 6697, 10080}
)
# fmt: on

# Names that always mean "this machine", whatever DNS says (RFC 6761).
_LOCAL_NAMES = ("localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback")


def embedded_ipv4(address: IPv6Address) -> tuple[IPv4Address, ...]:
    """The IPv4 addresses an IPv6 address carries (mapped, NAT64, 6to4, Teredo), if any."""
    if address in _IPV4_MAPPED or address in _NAT64:
        return (IPv4Address(int(address) & 0xFFFFFFFF),)  # the last 32 bits
    if address in _SIX_TO_FOUR and address.sixtofour is not None:
        return (address.sixtofour,)
    if address in _TEREDO and address.teredo is not None:
        return address.teredo  # (server, client), client already de-obfuscated
    return ()


def refusal_reason(address: IPAddress) -> str | None:
    """Why ``address`` must not be contacted, or None when it is a public unicast address."""
    if isinstance(address, IPv4Address):
        return next((label for net, label in _REFUSED_V4 if address in net), None)
    carried = embedded_ipv4(address)
    if carried:
        reasons = [reason for ip in carried if (reason := refusal_reason(ip)) is not None]
        return f"embeds a {reasons[0]} IPv4 address" if reasons else None
    label = next((label for net, label in _REFUSED_V6 if address in net), None)
    if label is None and address not in _GLOBAL_UNICAST_V6:
        label = "not global unicast"
    return label


def is_public_address(address: IPAddress) -> bool:
    """True when the default policy lets the fetcher connect to ``address``."""
    return refusal_reason(address) is None


def is_local_name(host: str) -> bool:
    """True for names that mean this machine by definition (``localhost``, ``*.localhost``)."""
    name = host.rstrip(".").lower()
    return name in _LOCAL_NAMES or name.endswith(".localhost")


_NUMBER = re.compile(r"(0[xX][0-9a-fA-F]*|[0-9]+)\Z")


def parse_ip_literal(host: str) -> IPAddress | None:
    """The address a URL host denotes if it is an IP literal, else None for a host name.

    Follows the WHATWG URL rules, so odd IPv4 spellings that browsers and ``inet_aton`` accept
    (``2130706433``, ``0177.0.0.1``, ``0x7f.1``, ``127.1``) are read as the address they mean.
    A host whose last label is a number but that is not a valid IPv4 address (``1.2.3.4.5``,
    ``256.0.0.1``) raises ValueError: it is neither a valid address nor a plausible name.
    """
    name = host[1:-1] if host.startswith("[") and host.endswith("]") else host
    if ":" in name:
        return IPv6Address(name)  # raises ValueError when malformed
    parts = name.split(".")
    if len(parts) > 1 and parts[-1] == "":
        parts.pop()  # a trailing dot, as in "127.0.0.1."
    if not _NUMBER.match(parts[-1]):
        return None
    return _parse_ipv4_parts(parts)


def _parse_ipv4_parts(parts: list[str]) -> IPv4Address:
    """WHATWG IPv4 parser: 1-4 parts, each decimal, octal (leading 0) or hex (0x)."""
    if len(parts) > 4:
        raise ValueError("too many parts for an IPv4 address")
    numbers = [_parse_ipv4_number(part) for part in parts]
    if any(n > 255 for n in numbers[:-1]) or numbers[-1] >= 256 ** (5 - len(numbers)):
        raise ValueError("IPv4 part out of range")
    value = numbers[-1] + sum(n << (8 * (3 - i)) for i, n in enumerate(numbers[:-1]))
    return IPv4Address(value)


def _parse_ipv4_number(part: str) -> int:
    if not _NUMBER.match(part):
        raise ValueError(f"not an IPv4 number: {part!r}")
    if part[:2].lower() == "0x":
        return int(part[2:] or "0", 16)
    if len(part) > 1 and part.startswith("0"):
        return int(part, 8)  # raises ValueError for "08", like browsers
    return int(part)


@dataclass(frozen=True)
class AllowList:
    """Explicit opt-in destinations that bypass the address policy (intranet sites, tests).

    Entries are host names (``wiki.corp``; a leading dot, ``.corp``, also covers sub-domains),
    IP addresses or CIDR networks. An entry may carry a port (``127.0.0.1:8765``,
    ``[::1]:8080``), the natural way to write a local server; it still allows the host on
    every port, because the address checks (URL, DNS answer, socket) are per address.
    """

    names: frozenset[str] = frozenset()
    networks: tuple[IPNetwork, ...] = ()

    @classmethod
    def parse(cls, entries: Iterable[str]) -> AllowList:
        """Build from settings entries; raises ValueError naming the first unusable entry."""
        names: set[str] = set()
        networks: list[IPNetwork] = []
        for raw in entries:
            entry = _without_port(raw.strip().lower(), raw)
            if not entry:
                continue
            try:
                networks.append(ip_network(entry.strip("[]"), strict=False))
                continue
            except ValueError:
                pass
            if not re.fullmatch(r"\.?[a-z0-9_-]+(\.[a-z0-9_-]+)*\.?", entry):
                raise ValueError(
                    f"allow-list entry {raw!r} is not a host name (wiki.corp, .corp), "
                    "IP address (10.1.2.3, 127.0.0.1:8765) or CIDR network (10.0.0.0/8)"
                )
            names.add(entry.rstrip("."))
        return cls(frozenset(names), tuple(networks))

    def covers_name(self, host: str) -> bool:
        """True when the host name was explicitly allowed (exactly, or by a ``.suffix`` entry)."""
        name = host.rstrip(".").lower()
        return name in self.names or any(
            entry.startswith(".") and (name.endswith(entry) or name == entry[1:])
            for entry in self.names
        )

    def covers_address(self, address: IPAddress) -> bool:
        """True when the address lies in an explicitly allowed IP or network."""
        return any(address in net for net in self.networks if net.version == address.version)


def _without_port(entry: str, raw: str) -> str:
    """``host:port`` or ``[v6]:port`` → the host; anything else (a bare IPv6 too) as it is."""
    if entry.startswith("[") and "]:" in entry:
        host, _, port = entry[1:].partition("]:")
    elif entry.count(":") == 1:
        host, _, port = entry.partition(":")
    else:
        return entry
    if not (port.isdigit() and 0 < int(port) < 65536):
        raise ValueError(f"allow-list entry {raw!r}: the port must be a number from 1 to 65535")
    return host


def may_connect(address: IPAddress, allow: AllowList) -> bool:
    """The address check applied to every resolved or literal destination."""
    return allow.covers_address(address) or is_public_address(address)

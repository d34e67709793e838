"""The address policy and URL gate: what the fetcher may connect to, in every spelling."""

from __future__ import annotations

from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network, ip_address

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.errors import BlockedAddress, InvalidURL
from bot.fetch.policy import (
    AllowList,
    embedded_ipv4,
    is_public_address,
    parse_ip_literal,
    refusal_reason,
)
from bot.fetch.urls import target_url

REFUSED_V4 = [
    IPv4Network(n)
    for n in (
        "0.0.0.0/8",
        "10.0.0.0/8",
        "100.64.0.0/10",
        "127.0.0.0/8",
        "169.254.0.0/16",
        "172.16.0.0/12",
        "192.0.0.0/24",
        "192.0.2.0/24",
        "192.88.99.0/24",
        "192.168.0.0/16",
        "198.18.0.0/15",
        "198.51.100.0/24",
        "203.0.113.0/24",
        "224.0.0.0/4",
        "240.0.0.0/4",
    )
]
REFUSED_V6 = [
    IPv6Network(n)
    for n in (
        "::/96",
        "64:ff9b:1::/48",
        "100::/64",
        "2001::/23",
        "2001:db8::/32",
        "3fff::/20",
        "5f00::/16",
        "fc00::/7",
        "fe80::/10",
        "fec0::/10",
        "ff00::/8",
    )
]
EMBEDDING_V6 = [IPv6Network(n) for n in ("2001::/32", "2002::/16")]


def mapped(v4: IPv4Address) -> IPv6Address:
    return IPv6Address((0xFFFF << 32) | int(v4))


def nat64(v4: IPv4Address) -> IPv6Address:
    return IPv6Address((0x64FF9B << 96) | int(v4))


def six_to_four(v4: IPv4Address, tail: int = 1) -> IPv6Address:
    return IPv6Address((0x2002 << 112) | (int(v4) << 80) | tail)


def teredo(server: IPv4Address, client: IPv4Address) -> IPv6Address:
    return IPv6Address((0x20010000 << 96) | (int(server) << 64) | (int(client) ^ 0xFFFFFFFF))


def in_any(
    address: IPv4Address | IPv6Address, networks: list[IPv4Network] | list[IPv6Network]
) -> bool:
    return any(address in net for net in networks)


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "10.1.2.3",
        "172.31.255.255",
        "192.168.1.1",
        "169.254.169.254",
        "100.64.0.1",
        "0.0.0.0",
        "255.255.255.255",
        "224.0.0.1",
        "198.18.0.1",
        "192.0.2.1",
        "::1",
        "::",
        "fe80::1",
        "fd00::1",
        "fc00::1",
        "ff02::1",
        "::ffff:127.0.0.1",
        "::ffff:169.254.169.254",
        "::127.0.0.1",
        "64:ff9b::a9fe:a9fe",
        "64:ff9b::7f00:1",
        "64:ff9b:1::a9fe:a9fe",
        "2002:a9fe:a9fe::1",
        "2002:7f00:1::",
        "2001:db8::1",
        "fec0::1",
        "100::1",
        "fe80::1%eth0",
    ],
)
def test_refused_addresses(address: str) -> None:
    """Loopback, private, link-local/metadata, CGNAT, special and embedded forms are refused."""
    assert refusal_reason(ip_address(address)) is not None


def test_nat64_of_metadata_address_is_refused_though_python_calls_it_global() -> None:
    """The NAT64 form of 169.254.169.254 is refused even where ipaddress says is_global."""
    address = nat64(IPv4Address("169.254.169.254"))
    assert not is_public_address(address)
    assert "link-local" in (refusal_reason(address) or "")


def test_teredo_with_loopback_client_is_refused() -> None:
    """A Teredo address whose (obfuscated) client is loopback is refused."""
    address = teredo(IPv4Address("8.8.8.8"), IPv4Address("127.0.0.1"))
    assert embedded_ipv4(address) == (IPv4Address("8.8.8.8"), IPv4Address("127.0.0.1"))
    assert not is_public_address(address)


@pytest.mark.parametrize(
    "address",
    [
        "8.8.8.8",
        "93.184.216.34",
        "1.1.1.1",
        "2606:4700:4700::1111",
        "2a00:1450:4001:80b::200e",
        "::ffff:8.8.8.8",
        "64:ff9b::808:808",
    ],
)
def test_public_addresses_are_allowed(address: str) -> None:
    """Ordinary public unicast addresses, and forms embedding one, are allowed."""
    assert is_public_address(ip_address(address))


refused_v4 = (
    st.sampled_from(REFUSED_V4)
    .flatmap(lambda net: st.integers(int(net.network_address), int(net.broadcast_address)))
    .map(IPv4Address)
)
public_v4 = st.integers(0, 2**32 - 1).map(IPv4Address).filter(lambda a: not in_any(a, REFUSED_V4))
public_v6 = (
    st.integers(0x2000 << 112, (0x4000 << 112) - 1)
    .map(IPv6Address)
    .filter(lambda a: not in_any(a, REFUSED_V6) and not in_any(a, EMBEDDING_V6))
)


@given(refused_v4, st.integers(0, 2**80 - 1))
def test_every_refused_ipv4_is_refused_in_every_ipv6_disguise(v4: IPv4Address, tail: int) -> None:
    """Each address of a refused IPv4 network is refused, also IPv4-mapped, NAT64, 6to4, Teredo."""
    assert not is_public_address(v4)
    for disguise in (
        mapped(v4),
        nat64(v4),
        six_to_four(v4, tail % 2**80),
        teredo(IPv4Address("8.8.8.8"), v4),
        teredo(v4, IPv4Address("8.8.8.8")),
    ):
        assert not is_public_address(disguise), disguise


@given(public_v4)
def test_public_ipv4_is_allowed_in_every_ipv6_form(v4: IPv4Address) -> None:
    """A public IPv4 address is allowed, and so are its mapped, NAT64 and 6to4 forms."""
    assert is_public_address(v4)
    for form in (mapped(v4), nat64(v4), six_to_four(v4)):
        assert is_public_address(form), form


@given(public_v6)
def test_random_global_ipv6_is_allowed(v6: IPv6Address) -> None:
    """Global unicast IPv6 outside the special ranges is allowed."""
    assert is_public_address(v6)


@given(st.integers(0, 2**32 - 1))
def test_every_ipv4_spelling_parses_to_the_same_address(value: int) -> None:
    """Decimal, hex, octal and short (a.b.c / a.b) spellings all mean the same address."""
    expected = IPv4Address(value)
    a, b, c, d = expected.packed
    spellings = [
        str(value),
        hex(value),
        f"0{value:o}",
        f"{a}.{b}.{(c << 8) | d}",
        f"{a}.{(b << 16) | (c << 8) | d}",
        f"0x{a:x}.0{b:o}.{c}.0x{d:X}",
        f"{expected}.",
    ]
    for spelling in spellings:
        assert parse_ip_literal(spelling) == expected, spelling


@pytest.mark.parametrize("host", ["example.com", "1example.com", "www.0x.org", "a-b.io"])
def test_host_names_are_not_literals(host: str) -> None:
    """Ordinary names (even with digits) are not read as IP addresses."""
    assert parse_ip_literal(host) is None


@pytest.mark.parametrize(
    "host", ["1.2.3.4.5", "256.0.0.1", "08.0.0.1", "1.0x100.0.0", "4294967296"]
)
def test_numeric_hosts_that_are_no_address_are_errors(host: str) -> None:
    """A host ending in a number that is no valid IPv4 address is rejected (as browsers do)."""
    with pytest.raises(ValueError):
        parse_ip_literal(host)


@pytest.mark.parametrize(
    "url",
    [
        "http://2130706433/",
        "http://0177.0.0.1/",
        "http://0x7f000001/",
        "http://127.1/",
        "http://0x7f.1/",
        "http://127.0.0.1./",
        "http://[::ffff:7f00:1]/",
        "http://localhost:8080/",
        "http://LOCALHOST./",
        "http://api.localhost/",
        "http://[fd12::1]/",
        "http://0/",
        "https://example.com:25/",
        "http://example.com:6667/",
    ],
)
def test_target_url_blocks_refused_literals_names_and_ports(url: str) -> None:
    """The URL gate refuses odd loopback spellings, localhost names and abusable ports."""
    with pytest.raises(BlockedAddress):
        target_url(url)


@pytest.mark.parametrize(
    "url",
    [
        "",
        "example.com",
        "ftp://example.com/",
        "http:///path",
        "http://exa mple.com/",
        "http://%31%32%37.0.0.1/",
        "http://user@example.com/",
        "http://256.256.256.256/",
        "http://example.com:99999/",
        "data:text/html,hi",
    ],
)
def test_target_url_rejects_malformed_urls(url: str) -> None:
    """Malformed or non-http(s) URLs raise InvalidURL."""
    with pytest.raises(InvalidURL):
        target_url(url)


def test_allow_list_opens_exactly_what_it_names() -> None:
    """Allow-list entries cover their names, sub-domains (leading dot) and CIDRs only."""
    allow = AllowList.parse(["wiki.corp", ".intra.example", "10.1.0.0/16", "127.0.0.1"])
    assert target_url("http://10.1.2.3/", allow).host == "10.1.2.3"
    assert target_url("http://127.0.0.1:8080/", allow).port == 8080
    assert allow.covers_name("WIKI.corp.") and allow.covers_name("a.intra.example")
    assert allow.covers_name("intra.example") and not allow.covers_name("notwiki.corp")
    with pytest.raises(BlockedAddress):
        target_url("http://10.2.0.1/", allow)
    with pytest.raises(BlockedAddress):
        target_url("http://127.0.0.2/", allow)


@pytest.mark.parametrize("entry", ["http://x", "a b", "10.0.0.0/33", "*.corp"])
def test_allow_list_rejects_garbage_entries(entry: str) -> None:
    """An allow-list entry that is no name, IP or CIDR is a ValueError naming it."""
    with pytest.raises(ValueError, match="allow-list entry"):
        AllowList.parse([entry])

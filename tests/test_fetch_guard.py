"""The connection-time checks: the filtering resolver and the socket guard behind it."""

from __future__ import annotations

import socket
from ipaddress import ip_address

import pytest
from aiohttp.abc import AbstractResolver, ResolveResult

from bot.errors import BlockedAddress
from bot.fetch.guard import PolicyResolver, RefusedDestination, guarded_socket_factory
from bot.fetch.policy import AllowList


class FixedResolver(AbstractResolver):
    """Answers every name with the same addresses and counts lookups."""

    def __init__(self, *hosts: str) -> None:
        self.hosts = hosts
        self.lookups = 0

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        self.lookups += 1
        return [
            {
                "hostname": host,
                "host": h,
                "port": port,
                "family": socket.AF_INET,
                "proto": 0,
                "flags": 0,
            }
            for h in self.hosts
        ]

    async def close(self) -> None:
        return None


def addr_info(host: str, port: int = 80) -> tuple[int, int, int, str, tuple[str, int]]:
    return (socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", (host, port))


async def test_resolver_drops_refused_answers() -> None:
    """Only the policy-allowed addresses of a mixed DNS answer are handed to the connector."""
    resolver = PolicyResolver(
        FixedResolver("10.0.0.1", "93.184.216.34", "not-an-ip"), AllowList(), owns_inner=False
    )
    answers = await resolver.resolve("example.com", 443)
    assert [a["host"] for a in answers] == ["93.184.216.34"]


async def test_resolver_refuses_when_nothing_is_left() -> None:
    """A name whose every address is refused raises BlockedAddress."""
    resolver = PolicyResolver(FixedResolver("169.254.169.254"), AllowList(), owns_inner=False)
    with pytest.raises(BlockedAddress):
        await resolver.resolve("metadata.example", 80)


async def test_resolver_refuses_localhost_without_asking_dns() -> None:
    """localhost names are refused before any lookup."""
    inner = FixedResolver("93.184.216.34")
    resolver = PolicyResolver(inner, AllowList(), owns_inner=False)
    with pytest.raises(BlockedAddress):
        await resolver.resolve("LocalHost.", 80)
    assert inner.lookups == 0


async def test_allow_listed_name_vouches_for_its_addresses() -> None:
    """An allow-listed name keeps its private answers and the socket guard then accepts them."""
    allow = AllowList.parse(["wiki.corp"])
    resolver = PolicyResolver(FixedResolver("10.9.8.7"), allow, owns_inner=False)
    assert [a["host"] for a in await resolver.resolve("wiki.corp", 80)] == ["10.9.8.7"]
    assert ip_address("10.9.8.7") in resolver.vouched
    guarded_socket_factory(resolver, allow)(addr_info("10.9.8.7")).close()


@pytest.mark.parametrize("host", ["127.0.0.1", "169.254.169.254", "10.0.0.1", "0.0.0.0"])
def test_socket_guard_refuses_internal_destinations(host: str) -> None:
    """No socket is created for a refused destination, whatever path led there."""
    resolver = PolicyResolver(FixedResolver(), AllowList(), owns_inner=False)
    with pytest.raises(RefusedDestination):
        guarded_socket_factory(resolver, AllowList())(addr_info(host))


def test_socket_guard_allows_public_destinations() -> None:
    """A public destination gets an ordinary TCP socket."""
    resolver = PolicyResolver(FixedResolver(), AllowList(), owns_inner=False)
    sock = guarded_socket_factory(resolver, AllowList())(addr_info("93.184.216.34"))
    try:
        assert sock.type == socket.SOCK_STREAM
    finally:
        sock.close()

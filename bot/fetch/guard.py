"""The connection-time half of the address policy, plugged into aiohttp's connector.

Checking a host name and then letting the HTTP client resolve it again is the classic SSRF
hole (DNS rebinding: public answer for the check, loopback for the connect). Here the check
*is* the resolution, as in Stripe's Smokescreen: ``PolicyResolver`` resolves once, drops every
refused address and hands the connector only what it checked. ``guarded_socket_factory``
re-checks the exact address each socket is about to connect to, which also covers IP-literal
URLs (aiohttp does not send those through the resolver).
"""

from __future__ import annotations

import errno
import socket
from ipaddress import ip_address

from aiohappyeyeballs import AddrInfoType, SocketFactoryType
from aiohttp.abc import AbstractResolver, ResolveResult

from bot.errors import BlockedAddress
from bot.fetch.policy import AllowList, IPAddress, is_local_name, may_connect


class RefusedDestination(OSError):
    """Raised by the socket guard; an OSError so aiohttp treats it like a failed connect
    (and tries the next address) instead of crashing its happy-eyeballs race."""

    def __init__(self, address: IPAddress) -> None:
        super().__init__(errno.EACCES, f"refused destination {address}")


class PolicyResolver(AbstractResolver):
    """Wraps any aiohttp resolver and returns only the addresses the policy allows."""

    def __init__(self, inner: AbstractResolver, allow: AllowList, *, owns_inner: bool) -> None:
        self._inner = inner
        self._allow = allow
        self._owns_inner = owns_inner
        # Addresses of explicitly allowed *names* (an intranet wiki on 10.x): the socket guard
        # sees only addresses, so it learns here which private ones were vouched for.
        self.vouched: set[IPAddress] = set()

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        """Resolve ``host`` once; raise BlockedAddress if no answer is allowed."""
        if self._allow.covers_name(host):
            answers = await self._inner.resolve(host, port, family)
            self.vouched.update(ip_address(answer["host"]) for answer in answers)
            return answers
        if is_local_name(host):
            raise BlockedAddress()
        answers = await self._inner.resolve(host, port, family)
        allowed = [a for a in answers if _allowed_answer(a["host"], self._allow)]
        if not allowed:
            raise BlockedAddress()
        return allowed

    async def close(self) -> None:
        if self._owns_inner:
            await self._inner.close()


def _allowed_answer(host: str, allow: AllowList) -> bool:
    try:
        return may_connect(ip_address(host), allow)
    except ValueError:
        return False  # a resolver answer that is not an IP address is never connectable


def guarded_socket_factory(resolver: PolicyResolver, allow: AllowList) -> SocketFactoryType:
    """A socket factory that refuses to create a socket for a refused destination."""

    def create(addr_info: AddrInfoType) -> socket.socket:
        family, type_, proto, _, sockaddr = addr_info
        address = ip_address(sockaddr[0])
        if address not in resolver.vouched and not may_connect(address, allow):
            raise RefusedDestination(address)
        return socket.socket(family=family, type=type_, proto=proto)

    return create

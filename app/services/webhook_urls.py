"""Where a webhook receiver may be: the URL's shape, and every address its host resolves to,
checked when a subscription is made and again before each attempt (DNS may change)."""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from typing import Final
from urllib.parse import SplitResult, urlsplit

from app.domain.webhooks import address_refusal

MAX_URL_LENGTH: Final = 2048
_DEFAULT_PORTS: Final = {"http": 80, "https": 443}


class ReceiverRefusedError(Exception):
    """The receiver's URL or address may not be used; the message says why."""


@dataclass(frozen=True, slots=True)
class Receiver:
    """A receiver URL taken apart, with the addresses it may be reached at, in the order
    the resolver gave them."""

    scheme: str
    host: str
    port: int
    target: str
    addresses: tuple[str, ...]


def _split(url: str) -> SplitResult:
    if len(url) > MAX_URL_LENGTH:
        raise ReceiverRefusedError(f"longer than {MAX_URL_LENGTH} characters")
    if not url.isascii() or any(char.isspace() or ord(char) < 32 for char in url):
        raise ReceiverRefusedError("must be ASCII without spaces (encode the host as IDNA)")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as error:
        raise ReceiverRefusedError(f"not a URL: {error}") from None
    if parts.scheme not in _DEFAULT_PORTS:
        raise ReceiverRefusedError("must be an http or https URL")
    if not parts.hostname:
        raise ReceiverRefusedError("names no host")
    if parts.username is not None or parts.password is not None:
        raise ReceiverRefusedError("must not carry credentials (user:password@)")
    if parts.fragment:
        raise ReceiverRefusedError("must not carry a fragment (#…)")
    if port == 0:
        raise ReceiverRefusedError("names port 0")
    return parts


def check_url_shape(url: str) -> None:
    """Raise ReceiverRefusedError unless the URL is one a receiver may have."""
    _split(url)


def _addresses(host: str, port: int) -> tuple[str, ...]:
    try:
        literal = ipaddress.ip_address(host)
    except ValueError:
        literal = None
    if literal is not None:
        return (str(literal),)
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError, OSError) as error:
        raise ReceiverRefusedError(f"the host {host!r} does not resolve ({error})") from None
    return tuple(dict.fromkeys(str(entry[4][0]) for entry in found))


def resolve_receiver(url: str, *, allow_private: bool) -> Receiver:
    """The receiver at `url`, or ReceiverRefusedError: every address its host resolves to
    must be allowed, since a connection may go to any of them."""
    parts = _split(url)
    host = str(parts.hostname)
    port = parts.port or _DEFAULT_PORTS[parts.scheme]
    addresses = _addresses(host, port)
    if not addresses:
        raise ReceiverRefusedError(f"the host {host!r} does not resolve")
    for address in addresses:
        # The resolver's IPv6 answers may carry a zone (`fe80::1%eth0`).
        refusal = address_refusal(
            ipaddress.ip_address(address.split("%", 1)[0]), allow_private=allow_private
        )
        if refusal is not None:
            label = refusal.value.replace("_", "-")
            shown = host if address == host else f"{host!r}, which resolves to {address}"
            raise ReceiverRefusedError(
                f"{shown} is a {label} address; receivers must be on the public internet "
                "unless the operator allows private networks"
            )
    target = parts.path or "/"
    if parts.query:
        target = f"{target}?{parts.query}"
    return Receiver(parts.scheme, host, port, target, addresses)

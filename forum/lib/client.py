"""Who is asking: the client's address, read the same way by every part of the site (spam context, rate
limits, allauth's login limits through forum.accounts.adapter)."""

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def valid_ip(value: str) -> str | None:
    value = value.strip()
    if value.startswith("[") and "]" in value:  # "[2001:db8::1]:443", as some proxies write IPv6
        value = value[1 : value.index("]")]
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


def client_ip(request: HttpRequest) -> str:
    """The client's address. Behind TRUSTED_PROXY_COUNT proxies, each of which appends the address it saw to
    X-Forwarded-For, that is the entry the outermost trusted proxy appended: the TRUSTED_PROXY_COUNT-th from
    the right. Entries further left were written by the client and prove nothing. Without trusted proxies
    (the default) the header is ignored and REMOTE_ADDR, the direct peer, is the client."""
    remote = valid_ip(request.META.get("REMOTE_ADDR", "")) or ""
    count = settings.TRUSTED_PROXY_COUNT
    if count <= 0:
        return remote
    forwarded = [part for part in request.headers.get("X-Forwarded-For", "").split(",") if part.strip()]
    if len(forwarded) < count:
        # Not through all our proxies (or a proxy that does not append): the peer is all we know.
        return remote
    return valid_ip(forwarded[-count]) or remote

"""What Tribune keeps about a request, and in what form: never a raw IP address or a full user agent.

`hash_ip` turns an address into a keyed hash (HMAC-SHA256 under IP_HASH_KEY): the same address always gives
the same hash, which is all that rate limits and spam checks need, and without the key nobody can go back
from the hash to the address by trying the 2³² IPv4 addresses. `browser_family` keeps only the browser's
name. Both are purged after PRIVACY_RETENTION_DAYS (forum/spam/tasks.py: purge_request_data).
"""

import hashlib
import hmac
import ipaddress
import re

from django.conf import settings
from django.utils.encoding import force_bytes

from forum.lib.client import client_ip

# One version prefix, so that a change of key or algorithm can tell old hashes from new ones.
IP_HASH_PREFIX = "h1:"

OTHER_BROWSER = "Other"

# Most specific first: Edge, Opera and Samsung Internet also say "Chrome" and "Safari"; Chrome on iOS says
# "CriOS" and "Safari"; Chrome says "Safari" too.
_BROWSER_PATTERNS = [
    ("Edge", re.compile(r"\b(?:Edg|Edge|EdgA|EdgiOS)/")),
    ("Opera", re.compile(r"\b(?:OPR|Opera|OPiOS)\b")),
    ("Samsung Internet", re.compile(r"\bSamsungBrowser/")),
    ("Firefox", re.compile(r"\b(?:Firefox|FxiOS)/")),
    ("Chrome", re.compile(r"\b(?:Chrome|Chromium|CriOS)/")),
    ("Safari", re.compile(r"\bVersion/[\d.]+.*\bSafari/|\b(?:iPhone|iPad|iPod)\b.*\bAppleWebKit/")),
]
BROWSER_FAMILIES = (*(name for name, _pattern in _BROWSER_PATTERNS), OTHER_BROWSER)
_UA_READ_LIMIT = 512  # nothing past this decides the family; a giant header costs no regex time


def ip_hash_key() -> bytes:
    """IP_HASH_KEY, or a key derived from SECRET_KEY (never SECRET_KEY itself) when it is not set."""
    if settings.IP_HASH_KEY:
        return force_bytes(settings.IP_HASH_KEY)
    return hmac.new(force_bytes(settings.SECRET_KEY), b"tribune.ip-hash-key", hashlib.sha256).digest()


def hash_ip(address: str | None) -> str:
    """The keyed hash of an IP address, or "" when there is none. Equal addresses written differently
    (`::ffff:192.0.2.1` and `192.0.2.1`, upper- or lower-case IPv6) give the same hash."""
    address = (address or "").strip()
    if not address:
        return ""
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        normalised = address.lower()
    else:
        if isinstance(parsed, ipaddress.IPv6Address) and parsed.ipv4_mapped is not None:
            parsed = parsed.ipv4_mapped
        normalised = parsed.compressed
    digest = hmac.new(ip_hash_key(), normalised.encode(), hashlib.sha256).hexdigest()
    return f"{IP_HASH_PREFIX}{digest}"


def browser_family(user_agent: str | None) -> str:
    """ "Firefox", "Chrome", "Safari", "Edge", "Opera", "Samsung Internet", or "Other" (bots, tools and
    anything unknown). The version, the operating system and the device are dropped."""
    user_agent = (user_agent or "")[:_UA_READ_LIMIT]
    for name, pattern in _BROWSER_PATTERNS:
        if pattern.search(user_agent):
            return name
    return OTHER_BROWSER


def request_facts(request) -> dict[str, str]:
    """What a write may keep about the request that made it: the address's hash and the browser family."""
    return {
        "ip_hash": hash_ip(client_ip(request)),
        "browser": browser_family(request.META.get("HTTP_USER_AGENT")),
    }

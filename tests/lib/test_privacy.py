"""forum/lib/privacy.py: a keyed hash for addresses, a browser family for user agents."""

import pytest

from forum.lib.privacy import OTHER_BROWSER, browser_family, hash_ip, request_facts

FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
CHROME = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 "
    "Safari/537.36"
)


def test_the_same_address_gives_the_same_hash():
    assert hash_ip("192.0.2.1") == hash_ip("192.0.2.1")


def test_different_addresses_give_different_hashes():
    assert hash_ip("192.0.2.1") != hash_ip("192.0.2.2")


def test_the_hash_does_not_contain_the_address():
    hashed = hash_ip("192.0.2.1")

    assert hashed.startswith("h1:")
    assert len(hashed) == len("h1:") + 64
    assert "192.0.2.1" not in hashed


def test_the_hash_depends_on_the_key(settings):
    settings.IP_HASH_KEY = "one key"
    first = hash_ip("192.0.2.1")
    settings.IP_HASH_KEY = "another key"

    assert hash_ip("192.0.2.1") != first


def test_without_a_key_the_hash_depends_on_secret_key(settings):
    settings.IP_HASH_KEY = ""
    first = hash_ip("192.0.2.1")
    settings.SECRET_KEY = "another secret key, long enough to count as one"

    assert hash_ip("192.0.2.1") != first


def test_an_address_written_two_ways_gives_one_hash():
    assert hash_ip("::ffff:192.0.2.1") == hash_ip("192.0.2.1")
    assert hash_ip("2001:DB8:0:0::1") == hash_ip("2001:db8::1")


@pytest.mark.parametrize("address", ["", None, "   "])
def test_no_address_gives_no_hash(address):
    assert hash_ip(address) == ""


@pytest.mark.parametrize(
    ("user_agent", "family"),
    [
        (FIREFOX, "Firefox"),
        (
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 FxiOS/120.0",
            "Firefox",
        ),
        (CHROME, "Chrome"),
        ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 CriOS/120.0", "Chrome"),
        (CHROME + " Edg/120.0.0.0", "Edge"),
        (CHROME + " OPR/105.0.0.0", "Opera"),
        (
            "Mozilla/5.0 (Linux; Android 13; SM-S901B) AppleWebKit/537.36 (KHTML, like Gecko) "
            "SamsungBrowser/23.0 Chrome/115.0.0.0 Mobile Safari/537.36",
            "Samsung Internet",
        ),
        (
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) "
            "Version/17.1 Safari/605.1.15",
            "Safari",
        ),
        (
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
            "Version/17.0 Mobile/15E148 Safari/604.1",
            "Safari",
        ),
        ("curl/8.4.0", OTHER_BROWSER),
        ("Googlebot/2.1 (+http://www.google.com/bot.html)", OTHER_BROWSER),
        ("", OTHER_BROWSER),
        (None, OTHER_BROWSER),
    ],
)
def test_browser_family(user_agent, family):
    assert browser_family(user_agent) == family


def test_a_huge_user_agent_is_read_only_at_its_start():
    assert browser_family("x" * 100_000 + " Firefox/128.0") == OTHER_BROWSER


def test_request_facts_keep_neither_the_address_nor_the_user_agent(rf):
    request = rf.get("/", REMOTE_ADDR="203.0.113.9", HTTP_USER_AGENT=FIREFOX)

    assert request_facts(request) == {"ip_hash": hash_ip("203.0.113.9"), "browser": "Firefox"}

import pytest
from django.test import RequestFactory

from forum.lib.client import client_ip


def request(remote="10.0.0.1", forwarded=None):
    headers = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    return RequestFactory().get("/", REMOTE_ADDR=remote, **headers)


def test_without_trusted_proxies_the_header_is_ignored(settings):
    settings.TRUSTED_PROXY_COUNT = 0

    assert client_ip(request(remote="203.0.113.9", forwarded="198.51.100.1")) == "203.0.113.9"


def test_behind_one_proxy_the_address_it_appended_is_the_client(settings):
    settings.TRUSTED_PROXY_COUNT = 1

    # The client wrote "1.2.3.4" itself; the load balancer appended the address it saw.
    assert client_ip(request(forwarded="1.2.3.4, 198.51.100.7")) == "198.51.100.7"


def test_behind_two_proxies_the_outer_proxys_entry_is_the_client(settings):
    settings.TRUSTED_PROXY_COUNT = 2

    assert client_ip(request(forwarded="1.2.3.4, 198.51.100.7, 10.0.0.5")) == "198.51.100.7"


@pytest.mark.parametrize("forwarded", [None, "", "198.51.100.7"])
def test_a_request_that_bypassed_the_proxies_falls_back_to_the_peer(settings, forwarded):
    settings.TRUSTED_PROXY_COUNT = 2

    assert client_ip(request(remote="10.0.0.1", forwarded=forwarded)) == "10.0.0.1"


def test_a_malformed_entry_falls_back_to_the_peer(settings):
    settings.TRUSTED_PROXY_COUNT = 1

    assert client_ip(request(remote="10.0.0.1", forwarded="1.2.3.4, not-an-address")) == "10.0.0.1"


def test_ipv6_in_brackets_with_a_port_is_read(settings):
    settings.TRUSTED_PROXY_COUNT = 1

    assert client_ip(request(forwarded="[2001:db8::1]:443")) == "2001:db8::1"


def test_the_spam_check_context_uses_the_same_address(settings):
    from forum.comments.forms import CommentForm
    from forum.lib.privacy import hash_ip

    settings.TRUSTED_PROXY_COUNT = 1
    form = CommentForm({"body": "Hi."})
    assert form.is_valid()

    context = form.request_context(request(forwarded="1.2.3.4, 198.51.100.7"))

    # Only the keyed hash of the address is kept (forum/lib/privacy.py), of the one the proxy saw.
    assert context["ip_hash"] == hash_ip("198.51.100.7")
    assert "ip" not in context

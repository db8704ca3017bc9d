"""The site's URLs and `/bench/bytes/`: a view that returns, from memory, the bytes of the anonymous article
page that bench_http.py saved (BENCH_BYTES_FILE). Through the same middleware, so that the two differ only in
what the article view does."""

import os
from functools import cache
from pathlib import Path

from django.http import HttpResponse
from django.urls import path

from forum.urls import urlpatterns as site_urlpatterns


@cache
def page_bytes() -> bytes:
    return Path(os.environ["BENCH_BYTES_FILE"]).read_bytes()


def same_bytes(request):
    return HttpResponse(page_bytes(), content_type="text/html; charset=utf-8")


urlpatterns = [path("bench/bytes/", same_bytes), *site_urlpatterns]

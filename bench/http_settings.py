"""bench.settings for gunicorn on 127.0.0.1 (bench_http.py): the site's URLs plus the trivial view that serves
the anonymous article page's bytes, the ceiling that the article page is compared with."""

from bench.settings import *  # noqa: F403

ROOT_URLCONF = "bench.http_urls"
ALLOWED_HOSTS = ["127.0.0.1"]

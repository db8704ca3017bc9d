"""Tribune's settings as production runs them, for the benchmark: DEBUG off, no TLS redirect.

bench_discussion.py points DATABASE_URL at a temporary SQLite file unless one is given, and sets
TRIBUNE_VAR_DIR to a temporary directory, before Django reads this module.
"""

import os

# forum.settings refuses to start without these when DEBUG is off in the environment.
os.environ.setdefault("SECRET_KEY", "benchmark-only-not-secret")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")
os.environ.setdefault("SITE_URL", "http://testserver")

from forum.settings import *  # noqa: F403
from forum.settings import LOGGING, STORAGES, TEMPLATES

DEBUG = False
TEMPLATES[0]["OPTIONS"]["debug"] = False  # what production compiles: no per-node debug information
ALLOWED_HOSTS = ["testserver"]
# The test client speaks plain HTTP; production's HTTPS redirect and secure cookies do not apply here.
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
# Production's manifest storage needs collectstatic; plain storage renders the same {% static %} URLs.
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
# Thousands of benchmark readers are created; a fast hasher keeps that out of the way.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
LOGGING = {**LOGGING, "root": {**LOGGING["root"], "level": "WARNING"}}
# The benchmark posts thousands of comments as fast as it can: the readers' rate limits would refuse them.
RATE_LIMITS_ENABLED = False

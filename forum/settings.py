"""Tribune's one settings module, configured through environment variables.

The defaults suit the embedded mode (SQLite under var/, in-process tasks, e-mail written to files), so a
newcomer runs the site with `make run`. Production sets DEBUG=false, SECRET_KEY, ALLOWED_HOSTS, and
usually DATABASE_URL, REDIS_URL and EMAIL_URL; see docs/deployment.md.
"""

import re
import sys
from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

env = environ.Env()

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env.str("TRIBUNE_VAR_DIR", default=str(BASE_DIR / "var")))


def env_bool(name: str, default: bool) -> bool:
    """Read a boolean, refusing anything that is not clearly one (django-environ reads typos as False)."""
    value = env.str(name, default="").strip().lower()
    if not value:
        return default
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    sys.exit(f"Tribune refuses to start: {name}={value!r} is not a boolean (use true or false).")


DEBUG = env_bool("DEBUG", True)

SECRET_KEY = env.str("SECRET_KEY", default="")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

if not DEBUG:
    # SITE_URL too: workers build the links in e-mails from it and have no request to ask.
    required = {
        "SECRET_KEY": SECRET_KEY,
        "ALLOWED_HOSTS": ALLOWED_HOSTS,
        "SITE_URL": env.str("SITE_URL", default=""),
    }
    missing = [name for name, value in required.items() if not value]
    if missing:
        # One clear line instead of a traceback: the process must not start half-configured.
        sys.exit(f"Tribune refuses to start: DEBUG is off and these are not set: {', '.join(missing)}.")
else:
    SECRET_KEY = SECRET_KEY or "insecure-development-key-only-used-when-DEBUG-is-on"
    ALLOWED_HOSTS = ALLOWED_HOSTS or ["localhost", "127.0.0.1", "[::1]", "testserver"]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.syndication",
    "django.contrib.humanize",
    "mptt",
    "django_htmx",
    "csp",
    "taggit",
    "allauth",
    "allauth.account",
    "forum.accounts",
    "articles",
    "forum.comments",
    "forum.moderation",
    # In any order: the notifications app connects its receivers after the spam app's (its apps.py says why).
    "forum.spam",
    "forum.notifications",
    # Site level: brings the apps above together and is depended on by none of them.
    "forum.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Serves a cached article page to a reader whose request shows they are anonymous, skipping what follows
    # (forum/page_cache.py): after SecurityMiddleware, whose HTTPS redirect and HSTS depend on the request;
    # it replays the headers the rest gave the page (the policy's too: no nonces, the bytes are shared).
    "forum.page_cache.AnonymousPageFastPath",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "forum.accounts.language.AccountLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # Last, so that a page it has just stored leaves through every middleware above, as a hit does.
    "forum.page_cache.AnonymousPageCache",
]

ROOT_URLCONF = "forum.urls"
WSGI_APPLICATION = "forum.wsgi.application"
ASGI_APPLICATION = "forum.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "forum.context_processors.site",
            ],
        },
    },
    # The discussion's hot partials (templates/jinja2/comments/): docs/architecture.md, "The template engine".
    {
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "templates" / "jinja2"],
        "APP_DIRS": False,
        "OPTIONS": {"environment": "forum.comments.jinja.environment"},
    },
]

# Database: SQLite under var/ by default. WAL lets readers run beside a writer; IMMEDIATE transactions
# take the write lock up front, so concurrent writers queue (busy timeout) instead of failing with
# "database is locked" half-way through a transaction.
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'tribune.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
    DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Redis: when REDIS_URL is set it is the cache and the Celery broker; otherwise local memory and
# in-process (eager) tasks. While Redis is down the cache behaves as an empty one (forum/lib/cache.py) and the
# site keeps serving; short socket timeouts keep a Redis that hangs from holding up requests.
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHE_SOCKET_TIMEOUT = env.float("CACHE_SOCKET_TIMEOUT", default=1.0)
    CACHES = {
        "default": {
            "BACKEND": "forum.lib.cache.FailSafeRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {
                "socket_connect_timeout": CACHE_SOCKET_TIMEOUT,
                "socket_timeout": CACHE_SOCKET_TIMEOUT,
            },
        }
    }
else:
    # Room for a big discussion's comment fragments (forum/comments/rendering.py): the default 300 entries
    # would cull them before the page is done.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "tribune",
            "OPTIONS": {"MAX_ENTRIES": 50_000},
        }
    }

# Celery (docs/workers.md). Work is recorded in the database first (outbox rows, forum/lib/outbox.py), so
# these settings decide how fast and how safely it runs, never whether it runs: a lost message is found
# again by the sweep below.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL)
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", not CELERY_BROKER_URL)
# In the embedded mode a failing task is logged, never raised into the request that enqueued it.
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = "UTC"
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_QUEUE", default="celery")
# A task is acknowledged when it has finished, and one whose worker process died goes back to the queue.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# A worker that loses the broker cancels its running tasks: the broker hands their messages to another one.
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# On SIGTERM a worker finishes or requeues what it holds for this long before a cold shutdown.
CELERY_WORKER_SOFT_SHUTDOWN_TIMEOUT = env.float("CELERY_SOFT_SHUTDOWN_TIMEOUT", default=10.0)
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=60)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=90)
# Redis redelivers a message nobody acknowledged after the visibility timeout: short enough that the task
# of a killed worker runs again within minutes, longer than any task runs or waits for a retry (a message
# that outlives it is delivered twice; the outbox makes that harmless but wasteful).
CELERY_VISIBILITY_TIMEOUT = env.int("CELERY_VISIBILITY_TIMEOUT", default=300)
TASK_MAX_RETRIES = env.int("TASK_MAX_RETRIES", default=6)
TASK_RETRY_BACKOFF = env.float("TASK_RETRY_BACKOFF", default=10.0)  # first delay; doubles, with jitter
TASK_RETRY_BACKOFF_MAX = env.float("TASK_RETRY_BACKOFF_MAX", default=240.0)
if not CELERY_TASK_SOFT_TIME_LIMIT < CELERY_TASK_TIME_LIMIT < CELERY_VISIBILITY_TIMEOUT:
    sys.exit(
        "Tribune refuses to start: CELERY_TASK_SOFT_TIME_LIMIT < CELERY_TASK_TIME_LIMIT < "
        "CELERY_VISIBILITY_TIMEOUT must hold, or a slow task is delivered twice."
    )
if TASK_RETRY_BACKOFF_MAX >= CELERY_VISIBILITY_TIMEOUT:
    sys.exit("Tribune refuses to start: TASK_RETRY_BACKOFF_MAX must be below CELERY_VISIBILITY_TIMEOUT.")
CELERY_BROKER_TRANSPORT_OPTIONS = {
    # Redis: read by kombu's Redis transport; ignored by RabbitMQ, which redelivers when a connection drops.
    "visibility_timeout": CELERY_VISIBILITY_TIMEOUT,
    "unacked_restore_interval": max(1, min(10, CELERY_VISIBILITY_TIMEOUT // 10)),
    "unacked_restore_throttle": 1,
    "socket_connect_timeout": 5,
    "socket_timeout": 30,
    "socket_keepalive": True,
    "health_check_interval": 25,
    # RabbitMQ: the broker confirms each published message (a post never believes a lost message was queued).
    "confirm_publish": True,
}
# Celery's documentation asks for the same visibility timeout in all three places it may be read.
CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {"visibility_timeout": CELERY_VISIBILITY_TIMEOUT}
CELERY_BROKER_CONNECTION_TIMEOUT = 5
# Enqueueing happens in the request, after the commit: when the broker is down, give up quickly (the post is
# stored and the sweep enqueues its work later).
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.5,
}
# The sweep (Celery beat) enqueues outbox rows whose task never ran and requeues claims left by dead workers.
OUTBOX_SWEEP_INTERVAL = env.float("OUTBOX_SWEEP_INTERVAL", default=60.0)
OUTBOX_SWEEP_AFTER = env.float("OUTBOX_SWEEP_AFTER", default=120.0)
OUTBOX_STALE_AFTER = CELERY_TASK_TIME_LIMIT + 30
NOTIFICATIONS_DIGEST_HOUR = env.int("NOTIFICATIONS_DIGEST_HOUR", default=7)
CELERY_BEAT_SCHEDULE = {
    "sweep-outbox": {"task": "forum.lib.outbox.sweep", "schedule": OUTBOX_SWEEP_INTERVAL},
    "daily-digest": {
        "task": "forum.notifications.tasks.send_digests",
        "schedule": crontab(minute=0, hour=NOTIFICATIONS_DIGEST_HOUR),
    },
    "purge-request-data": {
        "task": "forum.spam.tasks.purge_request_data",
        "schedule": crontab(minute=30, hour=3),
    },
}

# E-mail: one file per message under var/mail/ unless EMAIL_URL names an SMTP server.
EMAIL_URL = env.str("EMAIL_URL", default="")
if EMAIL_URL:
    vars().update(env.email_url("EMAIL_URL"))
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = VAR_DIR / "mail"
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Tribune <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "forum.accounts.backends.SingleQueryModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/"

# django-allauth: username or e-mail to log in; e-mail verification mandatory unless the site opts out.
ACCOUNT_LOGIN_METHODS = {"username", "email"}
ACCOUNT_SIGNUP_FIELDS = ["username*", "email*", "password1*", "password2*"]
ACCOUNT_SIGNUP_FORM_CLASS = "forum.accounts.forms.SignupForm"
ACCOUNT_ADAPTER = "forum.accounts.adapter.AccountAdapter"
# Look-alikes of existing names and invisible characters are refused (forum/accounts/names.py).
ACCOUNT_USERNAME_VALIDATORS = "forum.accounts.names.username_validators"
ACCOUNT_EMAIL_VERIFICATION = env.str("ACCOUNT_EMAIL_VERIFICATION", default="mandatory")
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = env.str("ACCOUNT_EMAIL_SUBJECT_PREFIX", default="[Tribune] ")
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "http" if DEBUG else "https"
ACCOUNT_ADAPTER = "forum.accounts.adapter.AccountAdapter"
ACCOUNT_RATE_LIMITS_ENABLED = env_bool("ACCOUNT_RATE_LIMITS_ENABLED", True)
if not ACCOUNT_RATE_LIMITS_ENABLED:
    ACCOUNT_RATE_LIMITS = False

# The client's address (forum/lib/client.py): the number of proxies in front of the site that append to
# X-Forwarded-For (a load balancer: 1). With 0 the header is ignored: anyone can write it.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)

# Hard rate limits on readers' writes (forum/limits.py, docs/rate-limits.md), per reader, in the shared
# cache: "amount/period" joined by commas, periods in s, m, h or d ("1/30s,10/1d").
RATE_LIMITS_ENABLED = env_bool("RATE_LIMITS_ENABLED", True)
RATE_LIMITS = {
    "post_new_account": env.str("RATE_LIMIT_POST_NEW_ACCOUNT", default="1/30s,10/1d"),
    "post": env.str("RATE_LIMIT_POST", default="1/5s"),
    "report": env.str("RATE_LIMIT_REPORT", default="10/1h"),
    "vote": env.str("RATE_LIMIT_VOTE", default="60/1m"),
    "follow": env.str("RATE_LIMIT_FOLLOW", default="30/1m"),
}
for _action, _rates in RATE_LIMITS.items():
    if not re.fullmatch(r"\s*[1-9]\d*/\d*[smhd]\s*(,\s*[1-9]\d*/\d*[smhd]\s*)*", _rates):
        sys.exit(
            f"Tribune refuses to start: RATE_LIMIT_{_action.upper()}={_rates!r} is not a list of rates "
            "such as 1/30s,10/1d."
        )
# A day-one account (limits "post_new_account"): younger than this, or with fewer published comments.
RATE_LIMIT_NEW_ACCOUNT_HOURS = env.int("RATE_LIMIT_NEW_ACCOUNT_HOURS", default=24)
RATE_LIMIT_NEW_ACCOUNT_COMMENTS = env.int("RATE_LIMIT_NEW_ACCOUNT_COMMENTS", default=2)

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("uk", _("Ukrainian"))]
# Catalogues under locale/ (docs/translating.md); no language prefix in URLs: LocaleMiddleware reads the
# cookie, then Accept-Language, and forum.accounts.language puts a logged-in reader's choice first.
LOCALE_PATHS = [BASE_DIR / "locale"]
# Date formats per language (forum/formats/<code>/formats.py), over Django's own.
FORMAT_MODULE_PATH = ["forum.formats"]
TIME_ZONE = env.str("TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

# Uploaded files (articles' lead images and their renditions). The development server serves them when DEBUG
# is on; in production the web server or a bucket does (docs/deployment.md).
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))
TAGGIT_CASE_INSENSITIVE = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Discussions.
COMMENTS_EDIT_WINDOW_MINUTES = env.int("COMMENTS_EDIT_WINDOW_MINUTES", default=15)
# The same text from the same reader, anywhere on the site, is refused for this long.
COMMENTS_DUPLICATE_MINUTES = env.int("COMMENTS_DUPLICATE_MINUTES", default=5)
COMMENTS_DISPLAY_DEPTH = env.int("COMMENTS_DISPLAY_DEPTH", default=8)
COMMENTS_THREADS_PER_PAGE = env.int("COMMENTS_THREADS_PER_PAGE", default=50)
COMMENTS_PAGE_BUDGET = env.int("COMMENTS_PAGE_BUDGET", default=500)
# The function that builds the per-viewer object of a discussion page (forum/comments/viewer.py).
COMMENTS_VIEWER = "forum.pages.build_viewer"
# How many replies of each comment a page shows, by depth below the page's top comments (the last number holds
# for every deeper level); the rest come behind "Show N more replies", within COMMENTS_PAGE_BUDGET in all.
COMMENTS_REPLIES_PER_LEVEL = env.list("COMMENTS_REPLIES_PER_LEVEL", cast=int, default=[20, 10, 5, 3, 2])
# Anonymous readers' article pages are cached whole (forum/page_cache.py); every write retires them at once,
# so the lifetime only bounds what changes with the clock alone (a discussion closing by itself).
PAGE_CACHE_SECONDS = env.int("PAGE_CACHE_SECONDS", default=300)
# Part of every cached page's key: set it per release (e.g. the commit) so that new templates are not served
# pages rendered by the old ones.
PAGE_CACHE_RELEASE = env.str("PAGE_CACHE_RELEASE", default="")
# Each web process also keeps the anonymous pages it served last in its own memory (checked against the
# discussion's version in the shared cache on every hit): a hit then reads the version, not the whole page.
# 0 turns it off.
PAGE_CACHE_LOCAL_PAGES = env.int("PAGE_CACHE_LOCAL_PAGES", default=32)
# A reader with no session or messages cookie gets a cached page before the rest of the middleware runs, with
# the headers recorded when the page was served the normal way (forum/page_cache.py). false turns it off.
PAGE_CACHE_FAST_PATH = env_bool("PAGE_CACHE_FAST_PATH", True)
# Each comment's shared part (meta and body) is cached for every reader (forum/comments/rendering.py) under
# the discussion's version and PAGE_CACHE_RELEASE, so a write or a release retires it at once; this only
# bounds how long an unused one stays in the cache. 0 turns the fragment cache off.
COMMENTS_FRAGMENT_CACHE_SECONDS = env.int("COMMENTS_FRAGMENT_CACHE_SECONDS", default=86400)
# Each web process keeps the pages of threads it built last, with their HTML, for their audiences (everyone,
# moderators, a reader with a comment only they see: forum/comments/prepared.py), under the discussion's
# version; 0 keeps none.
COMMENTS_RECENT_PAGES = env.int("COMMENTS_RECENT_PAGES", default=32)
# Comments close by themselves this many days after publication (0: never); articles may override it.
COMMENTS_CLOSE_AFTER_DAYS = env.int("COMMENTS_CLOSE_AFTER_DAYS", default=0)
# Other apps' rules for readers' writes, called by forum/comments/posting.py in this order (signatures in
# forum/comments/policies.py). A suspension is explained before the automatic close.
COMMENTS_PERMISSION_POLICIES = [
    "forum.moderation.policies.refuse_suspended",
    "forum.moderation.policies.refuse_after_close",
]
COMMENTS_STATUS_POLICIES = ["forum.moderation.policies.premoderate"]

# Moderation (docs/moderation.md). Pre-moderation holds comments for review: "none", "first" (until an
# account has a published comment) or "all".
MODERATION_PREMODERATION = env.str("MODERATION_PREMODERATION", default="none").strip().lower()
if MODERATION_PREMODERATION not in {"none", "first", "all"}:
    sys.exit(
        f"Tribune refuses to start: MODERATION_PREMODERATION={MODERATION_PREMODERATION!r} is not one of "
        "none, first, all."
    )
# Weighted readers' reports that hide a comment until a moderator decides.
MODERATION_REPORT_THRESHOLD = env.float("MODERATION_REPORT_THRESHOLD", default=3.0)
# Accounts younger than this weigh least when they report.
MODERATION_NEW_ACCOUNT_DAYS = env.int("MODERATION_NEW_ACCOUNT_DAYS", default=7)
MODERATION_QUEUE_PER_PAGE = env.int("MODERATION_QUEUE_PER_PAGE", default=25)

SITE_NAME = env.str("SITE_NAME", default="Tribune")
SITE_DESCRIPTION = env.str(
    "SITE_DESCRIPTION", default="News and the discussion around it, on a site its readers can trust."
)

# Notifications (forum/notifications): links in e-mails are absolute, so workers need the site's address.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=20)  # seconds; a hung SMTP server must not hold a worker
# E-mails about a new comment wait this long, so that its spam check can pull it before anyone is told.
NOTIFICATIONS_EMAIL_DELAY = env.float("NOTIFICATIONS_EMAIL_DELAY", default=30.0)
# No e-mail floods: after an e-mail in a stream, a reader's next ones there wait this many minutes and go out
# as one summary. Moderators' stream: new reports and held comments; readers': one thread. 0 turns it off.
NOTIFICATIONS_MODERATOR_EMAIL_MINUTES = env.float("NOTIFICATIONS_MODERATOR_EMAIL_MINUTES", default=10.0)
NOTIFICATIONS_THREAD_EMAIL_MINUTES = env.float("NOTIFICATIONS_THREAD_EMAIL_MINUTES", default=10.0)

# Spam checks (forum/spam): a score from 0 to 1; at or above HOLD the comment waits for a moderator, at or
# above SPAM it is hidden as spam. Blocked words and domains are edited in the admin.
SPAM_HOLD_SCORE = env.float("SPAM_HOLD_SCORE", default=0.5)
SPAM_SPAM_SCORE = env.float("SPAM_SPAM_SCORE", default=0.8)
SPAM_MAX_LINKS = env.int("SPAM_MAX_LINKS", default=2)
SPAM_RATE_LIMIT = env.int("SPAM_RATE_LIMIT", default=5)  # comments by one author in 10 minutes
SPAM_MIN_SECONDS = env.float("SPAM_MIN_SECONDS", default=3.0)  # faster submits look automated
SPAM_NEW_ACCOUNT_HOURS = env.int("SPAM_NEW_ACCOUNT_HOURS", default=24)
# Akismet or a compatible service (e.g. a self-hosted one); unset key means no HTTP check.
AKISMET_API_KEY = env.str("AKISMET_API_KEY", default="")
AKISMET_URL = env.str("AKISMET_URL", default="https://rest.akismet.com/1.1").rstrip("/")

# Privacy (docs/privacy.md, /privacy/). No raw IP address is stored: a keyed hash (HMAC-SHA256) stands in for
# it. IP_HASH_KEY defaults to a key derived from SECRET_KEY; changing either makes new hashes differ from old.
IP_HASH_KEY = env.str("IP_HASH_KEY", default="")
# Address hashes and browser families are purged after this many days (daily task).
PRIVACY_RETENTION_DAYS = env.int("PRIVACY_RETENTION_DAYS", default=30)
if PRIVACY_RETENTION_DAYS < 1:
    sys.exit("Tribune refuses to start: PRIVACY_RETENTION_DAYS must be at least 1.")
# When a reader deletes their account, their comments stay in the threads as "[deleted account]": with the
# text removed (default), or with the text kept, anonymised.
ACCOUNT_DELETION_KEEPS_TEXT = env_bool("ACCOUNT_DELETION_KEEPS_TEXT", False)
# Sessions are read from the cache (Redis when REDIS_URL is set), written through to the database, which
# still has them when the cache is flushed or down: a logged-in page spends no query on its session.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

# Production hardening; `manage.py check --deploy` passes with DEBUG off.
# SECURE_COOKIES=false sends the cookies over plain HTTP as well: only for a site on 127.0.0.1 that is not
# served over TLS (the security scan, security/scan.py), never for a public one.
SECURE_COOKIES = env_bool("SECURE_COOKIES", not DEBUG)
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
LANGUAGE_COOKIE_SECURE = SECURE_COOKIES
# No script reads these cookies (htmx sends the CSRF token from the page), so no script may read them.
CSRF_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = 0 if DEBUG else env.int("SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
if env_bool("BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
X_FRAME_OPTIONS = "DENY"

# A strict Content-Security-Policy (django-csp 4; docs/security.md): scripts and styles come from the
# site's own files only. No inline script, style attribute or event handler anywhere, the admin included,
# and no nonces: the anonymous page cache serves the same bytes to every reader.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# Tribune: `make run` serves the demo site, `make test` runs the whole suite. Both install what they need.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
CHROMIUM ?= /usr/bin/chromium

# The suite's first pass runs on PostgreSQL and Redis (what production uses); the second pass runs the
# database-independent part on the embedded SQLite default; the third runs that part again with the clock
# CLOCK_SHIFT_DAYS ahead (ticking), so a test that passes only until some date fails now, not on that date
# (not the browser or services tests: Chromium, the database server and the Celery workers keep the real clock).
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/tribune
TEST_REDIS_URL ?= redis://127.0.0.1:6379/15
PYTEST_WORKERS ?= 2
CLOCK_SHIFT_DAYS ?= 730
SQLITE_PYTEST := env -u DATABASE_URL -u REDIS_URL -u CELERY_BROKER_URL -u CELERY_TASK_ALWAYS_EAGER DEBUG=true \
  $(BIN)/pytest -n $(PYTEST_WORKERS) --dist loadgroup -p no:cacheprovider -m "not postgres and not e2e and not services"

.PHONY: install run worker test test-postgres test-sqlite test-future lint format browser node gettext messages \
	compile-messages check-messages bench bench-http wrk bench-profile bench-import scan wapiti clean

install: $(STAMP) compile-messages

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

run: install
	mkdir -p var
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_demo
	@echo "Tribune is at http://127.0.0.1:8000/ (admin at /admin/). Stop with Ctrl-C."
	$(BIN)/python manage.py runserver 127.0.0.1:8000

# One worker with an embedded beat (the sweep and the daily digest), for development; production runs beat
# once and workers anywhere (docs/workers.md).
worker: install
	mkdir -p var
	$(BIN)/celery -A forum worker --beat --schedule var/celerybeat-schedule --loglevel=INFO --concurrency=2

# Translations (docs/translating.md). GNU gettext's xgettext, msgmerge and msgfmt do the work behind
# makemessages and compilemessages; a fresh machine lacks them, so they come from apt as chromium does.
gettext:
	@command -v msgfmt >/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gettext; \
	  elif command -v sudo >/dev/null; then sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gettext; \
	  else echo "make: translations need GNU gettext (msgfmt, xgettext): apt-get install gettext" >&2; exit 1; fi; }

# Bring locale/*/LC_MESSAGES/django.po up to date with the strings in the code (then translate what is new).
messages: $(STAMP) gettext
	$(BIN)/python manage.py catalogues update

# The .mo files are built here, never committed; compilemessages skips those already up to date.
compile-messages: $(STAMP) gettext
	$(BIN)/python manage.py compilemessages --ignore=.venv --ignore=node_modules --verbosity 0

# Fails on an untranslated or fuzzy entry, or on a catalogue out of date with the code (`make messages`).
check-messages: $(STAMP) gettext
	$(BIN)/python manage.py catalogues check

# Debian's chromium drives the browser journeys; no test downloads a browser.
browser:
	@test -x $(CHROMIUM) || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	  elif command -v sudo >/dev/null; then sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	  else echo "make: the browser tests need Debian's chromium at $(CHROMIUM): apt-get install chromium" >&2; exit 1; fi; }

# axe-core (npm registry, locked in package-lock.json) is injected into pages by the accessibility tests.
# `npm ci` runs again whenever package.json or the lock is newer than the installed tree.
NODE_STAMP := node_modules/.installed-stamp

node: $(NODE_STAMP)

$(NODE_STAMP): package.json package-lock.json
	@command -v npm >/dev/null || { echo "make: the accessibility tests need Node.js and npm: apt-get install nodejs npm" >&2; exit 1; }
	npm ci --no-audit --no-fund --loglevel=error
	touch $(NODE_STAMP)

test: install browser node test-postgres test-sqlite test-future

test-postgres: install node
	DEBUG=true DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) CELERY_TASK_ALWAYS_EAGER=true \
	  $(BIN)/pytest -n $(PYTEST_WORKERS) --dist loadgroup -p no:cacheprovider

# The SQLite pass posts the deep-thread test's chain 5,000 replies deep through post_comment (about a minute);
# the PostgreSQL and time-shifted passes post 1,000 (tests/comments/test_deep_threads.py).
test-sqlite: install
	TRIBUNE_DEEP_POSTED=5000 $(SQLITE_PYTEST)

test-future: install
	$(SQLITE_PYTEST) --clock-shift-days=$(CLOCK_SHIFT_DAYS)

# The article page and posting benchmark (bench/): prints the tables quoted in the README. In-process first
# (SQLite in a temporary file by default; `make bench DATABASE_URL=postgres://postgres@127.0.0.1:5432/tribune`
# runs it in a test database beside that one; BENCH_ARGS passes options, e.g. BENCH_ARGS="--sizes 1000"),
# then over HTTP (bench-http). bench-http writes its figures to BENCH_HTTP_JSON, so that the targets table
# bench_discussion.py prints at the end has every target of issue 11.
BENCH_HTTP_JSON ?= var/bench-http.json
bench: install bench-http
	$(BIN)/python bench/bench_discussion.py --http-json $(BENCH_HTTP_JSON) $(BENCH_ARGS)

# The article page over HTTP and the mixed load: gunicorn and wrk on 127.0.0.1, PostgreSQL and Redis (a database
# and a Redis database of its own, made and dropped by the run). BENCH_HTTP_ARGS passes options.
bench-http: install wrk
	$(BIN)/python bench/bench_http.py --json $(BENCH_HTTP_JSON) $(BENCH_HTTP_ARGS)

wrk:
	@command -v wrk >/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk; \
	  elif command -v sudo >/dev/null; then sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk; \
	  else echo "make: the HTTP benchmark needs wrk: apt-get install wrk" >&2; exit 1; fi; }

# Where the 1,000-comment page spends its time (phases, template constructs; BENCH_ARGS="--cprofile").
bench-profile: install
	$(BIN)/python bench/profile_discussion.py $(BENCH_ARGS)

lint: install check-messages
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Disqus import speed and memory: 1,000, 10,000 and 100,000 generated posts on an empty SQLite database
# (set DATABASE_URL to run it on PostgreSQL, in a throw-away test_ database).
bench-import: install
	$(BIN)/python bench/bench_import.py --posts 1000 10000 100000

# Debian's wapiti against the production settings on 127.0.0.1, logged in as a reader, for about 5 minutes; fails
# on anything above low severity. The report goes to var/scan/ (docs/security.md; SCAN_ARGS passes options).
scan: install wapiti
	$(BIN)/python security/scan.py $(SCAN_ARGS)

wapiti:
	@command -v wapiti >/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wapiti; \
	  elif command -v sudo >/dev/null; then sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wapiti; \
	  else echo "make: the security scan needs Debian's wapiti: apt-get install wapiti" >&2; exit 1; fi; }

clean:
	rm -rf $(VENV) var/static node_modules

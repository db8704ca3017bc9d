"""The article page over HTTP: gunicorn on PostgreSQL and Redis, driven by wrk, everything on 127.0.0.1.

1. Throughput: the anonymous article page against a trivial view that returns the same bytes through the same
   middleware (the ceiling), and the page of a logged-in reader.
2. Mixed load: readers and posting readers at once (200 and 10 connections by default, for 30 s), then every
   comment tree is checked.

    python bench/bench_http.py [--size 1000] [--duration 10] [--mixed-duration 30]

Needs wrk (`apt-get install wrk`; `make bench-http` installs it), PostgreSQL and Redis. It works in a database
and a Redis database of its own (created and dropped here) and prints a Markdown table.
"""

import argparse
import json
import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--size", type=int, default=1000, help="comments in the discussion (default 1000)")
    parser.add_argument("--duration", type=int, default=10, help="seconds per throughput run (default 10)")
    parser.add_argument("--connections", type=int, default=32, help="wrk connections per throughput run")
    parser.add_argument("--mixed-duration", type=int, default=30, help="seconds of mixed load (default 30)")
    parser.add_argument("--readers", type=int, default=200, help="reading connections in the mixed load")
    parser.add_argument("--posters", type=int, default=10, help="posting readers in the mixed load")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2)")
    parser.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/tribune_bench_http"),
        help="a PostgreSQL database that is created and dropped here",
    )
    parser.add_argument("--redis-url", default=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/12"))
    parser.add_argument(
        "--json", type=Path, help="also write the results here (bench_discussion.py --http-json reads them)"
    )
    return parser.parse_args(argv)


@dataclass
class WrkResult:
    label: str
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    requests: int
    errors: int  # non-2xx/3xx responses and socket errors

    @classmethod
    def parse(cls, label: str, output: str) -> "WrkResult":
        def number(pattern: str) -> float:
            match = re.search(pattern, output)
            return float(match.group(1)) if match else 0.0

        socket_errors = re.search(
            r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
        )
        return cls(
            label=label,
            requests_per_second=number(r"Requests/sec:\s+([\d.]+)"),
            p50_ms=_latency(output, "50%"),
            p99_ms=_latency(output, "99%"),
            requests=int(number(r"(\d+) requests in")),
            errors=int(number(r"Non-2xx or 3xx responses: (\d+)"))
            + (sum(int(n) for n in socket_errors.groups()) if socket_errors else 0),
        )


def _latency(output: str, quantile: str) -> float:
    match = re.search(rf"^\s*{re.escape(quantile)}\s+([\d.]+)(us|ms|s)\s*$", output, re.MULTILINE)
    if not match:
        return float("nan")
    value, unit = float(match.group(1)), match.group(2)
    return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value


def wrk(
    url: str, *, connections: int, duration: int, headers: dict | None = None, script: Path | None = None
):
    # A request still waiting after 30 s counts as an error (wrk's default gives up after 2 s).
    command = ["wrk", "--latency", "--timeout", "30s", f"-t{min(2, connections)}", f"-c{connections}"]
    command.append(f"-d{duration}s")
    for name, value in (headers or {}).items():
        command += ["-H", f"{name}: {value}"]
    if script is not None:
        command += ["-s", str(script)]
    return subprocess.Popen([*command, url], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def run_wrk(label: str, url: str, **options) -> WrkResult:
    output, _ = wrk(url, **options).communicate()
    return WrkResult.parse(label, output)


POSTING_SCRIPT = """
-- Each request posts a new reply to one of the published comments, as one of the posting readers.
local sessions = {%(sessions)s}
local parents = {%(parents)s}
local csrf = "%(csrf)s"
local counter = 0
-- Each wrk thread has a Lua state of its own, with the same counter and the same random numbers as the
-- others: its number, set from the main state in setup() as a global (a local here would shadow it), keeps
-- the texts of two threads apart, or half the posts would be refused as duplicates (409).
threads_made = 0

function setup(thread)
  threads_made = threads_made + 1
  thread:set("thread_id", threads_made)
end

function request()
  counter = counter + 1
  local session = sessions[(counter %% #sessions) + 1]
  local parent = parents[math.random(#parents)]
  local body = "body=Mixed+load+reply+" .. tostring(thread_id) .. "-" .. tostring(counter) .. "-" ..
    tostring(math.random(1000000)) .. "&parent=" .. parent .. "&csrfmiddlewaretoken=" .. csrf
  return wrk.format("POST", "%(path)s", {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Cookie"] = "sessionid=" .. session .. "; csrftoken=" .. csrf,
  }, body)
end
"""


def create_database(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def drop_database(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def flush_redis(url: str) -> None:
    import redis

    redis.Redis.from_url(url).flushdb()


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url: str, timeout: float = 40) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"bench_http: gunicorn did not answer {url} within {timeout:.0f} s")


def get(url: str, cookie: str = "") -> bytes:
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.read()


def prepare(args, workdir: Path) -> dict:
    """The database, the discussion and the readers' sessions, made in this process before gunicorn starts."""
    import django
    from django.core.management import call_command
    from django.test import Client

    django.setup()
    call_command("migrate", verbosity=0)
    from bench.tribune import build_discussion, make_readers
    from forum.comments.models import Comment

    readers = make_readers()
    discussion = build_discussion(args.size, readers, slug="bench-http")
    sessions = []
    for reader in readers[1 : 2 + args.posters]:
        client = Client()
        client.force_login(reader)
        sessions.append(client.cookies["sessionid"].value)
    parents = list(
        Comment.objects.filter(article=discussion.article, status=Comment.Status.PUBLISHED)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    return {
        "article": discussion.article,
        "reader_session": sessions[0],
        "poster_sessions": sessions[1:],
        "parents": parents,
        "comments_before": Comment.objects.count(),
    }


def start_gunicorn(args, env: dict, port: int, workdir: Path) -> subprocess.Popen:
    log = (workdir / "gunicorn.log").open("w")
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "forum.wsgi",
            "--workers",
            str(args.workers),
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def machine() -> str:
    load = os.getloadavg()
    averages = " / ".join(f"{value:.2f}" for value in load)
    return f"{os.cpu_count()} cores, load average {averages} when the run ended"


def report(rows: list[WrkResult], mixed: tuple[WrkResult, WrkResult], checks: dict, args) -> str:
    by_label = {row.label: row for row in rows}
    trivial, anonymous, logged_in = by_label["trivial view"], by_label["anonymous"], by_label["logged in"]
    lines = [
        f"Article page over HTTP: {args.size:,} comments, gunicorn with {args.workers} workers, PostgreSQL "
        f"and Redis on 127.0.0.1, wrk with {args.connections} connections for {args.duration} s each",
        "",
        "| run | req/s | p50 ms | p99 ms | requests | errors |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for row in (*rows, *mixed):
        lines.append(
            f"| {row.label} | {row.requests_per_second:,.0f} | {row.p50_ms:.1f} | {row.p99_ms:.1f} | "
            f"{row.requests:,} | {row.errors:,} |"
        )
    anonymous_ratio = (
        anonymous.requests_per_second / trivial.requests_per_second if trivial.requests_per_second else 0
    )
    logged_ratio = (
        anonymous.requests_per_second / logged_in.requests_per_second if logged_in.requests_per_second else 0
    )
    lines += [
        "",
        f"- Anonymous page: {anonymous_ratio:.0%} of the trivial view's requests per second "
        "(target: at least 80%).",
        f"- Logged-in reader's page: {logged_ratio:.1f}x the anonymous page's time per request "
        "(target: within 2x).",
        f"- Mixed load ({args.readers} reading and {args.posters} posting connections for "
        f"{args.mixed_duration} s): {mixed[0].requests_per_second:,.0f} reads/s, "
        f"{mixed[1].requests_per_second:,.1f} posts/s, {mixed[0].errors + mixed[1].errors} errors; "
        f"{checks['stored']:,} replies stored for {mixed[1].requests:,} posts answered; "
        f"trees checked: {checks['trees']:,}, problems: {checks['problems']}.",
        f"- Machine: {machine()}.",
    ]
    return "\n".join(lines)


def results_json(rows: list[WrkResult], mixed: tuple[WrkResult, WrkResult], checks: dict, args) -> dict:
    return {
        "size": args.size,
        "workers": args.workers,
        "rows": [asdict(row) for row in rows],
        "mixed": [asdict(row) for row in mixed],
        "checks": checks,
    }


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if shutil.which("wrk") is None:
        print(
            "bench_http needs wrk on the PATH: apt-get install wrk (make bench-http does it).",
            file=sys.stderr,
        )
        return 2
    workdir = Path(tempfile.mkdtemp(prefix="tribune-bench-http-"))
    (workdir / "var" / "static").mkdir(parents=True)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.http_settings",
        "DATABASE_URL": args.database_url,
        "REDIS_URL": args.redis_url,
        # Tasks go to an in-memory broker that no worker reads, as in bench_discussion.py: the requests pay
        # for the outbox rows and the enqueueing, not for the workers' spam checks and notifications.
        "CELERY_BROKER_URL": "memory://",
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "TRIBUNE_VAR_DIR": str(workdir / "var"),
        "BENCH_BYTES_FILE": str(workdir / "page.html"),
        "CONN_MAX_AGE": "60",
    }
    os.environ.update(env)
    create_database(args.database_url)
    flush_redis(args.redis_url)
    gunicorn = None
    try:
        print("bench_http: building the discussion…", file=sys.stderr, flush=True)
        data = prepare(args, workdir)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        gunicorn = start_gunicorn(args, env, port, workdir)
        wait_for(f"{base}/healthz")
        page = f"{base}{data['article'].get_absolute_url()}"
        (workdir / "page.html").write_bytes(get(page))
        reader_cookie = f"sessionid={data['reader_session']}"
        for _ in range(3):  # warm every worker's templates and connections
            get(page), get(f"{base}/bench/bytes/"), get(page, reader_cookie)
        print("bench_http: throughput runs…", file=sys.stderr, flush=True)
        options = {"connections": args.connections, "duration": args.duration}
        rows = [
            run_wrk("trivial view", f"{base}/bench/bytes/", **options),
            run_wrk("anonymous", page, **options),
            run_wrk("logged in", page, headers={"Cookie": reader_cookie}, **options),
        ]
        print("bench_http: mixed load…", file=sys.stderr, flush=True)
        csrf = secrets.token_hex(16)  # 32 characters: Django accepts the cookie's secret itself as the token
        script = workdir / "post.lua"
        script.write_text(
            POSTING_SCRIPT
            % {
                "sessions": ", ".join(f'"{s}"' for s in data["poster_sessions"]),
                "parents": ", ".join(str(pk) for pk in data["parents"]),
                "csrf": csrf,
                "path": f"{data['article'].get_absolute_url()}comments/",
            }
        )
        readers = wrk(page, connections=args.readers, duration=args.mixed_duration)
        posters = wrk(base + "/", connections=args.posters, duration=args.mixed_duration, script=script)
        mixed = (
            WrkResult.parse("mixed: readers", readers.communicate()[0]),
            WrkResult.parse("mixed: posters", posters.communicate()[0]),
        )
        from forum.comments.integrity import check_all_trees
        from forum.comments.models import Comment

        problems = check_all_trees()
        checks = {
            "stored": Comment.objects.count() - data["comments_before"],
            "trees": Comment.objects.filter(level=0).count(),
            "problems": len(problems),
        }
        print(report(rows, mixed, checks, args))
        if args.json:
            args.json.parent.mkdir(parents=True, exist_ok=True)
            args.json.write_text(json.dumps(results_json(rows, mixed, checks, args), indent=2))
        return 0 if not problems and not (mixed[0].errors or mixed[1].errors) else 1
    finally:
        if gunicorn is not None:
            os.killpg(gunicorn.pid, 15)
            gunicorn.wait(timeout=20)
        from django.db import connections

        connections.close_all()
        drop_database(args.database_url)
        flush_redis(args.redis_url)
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())

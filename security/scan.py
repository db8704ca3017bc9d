"""Debian's wapiti against Tribune on 127.0.0.1, logged in as a reader (`make scan`, docs/security.md).

1. A throw-away site: a temporary directory holds the SQLite database, the static files and the e-mails; the
   migrations and the demo content (`manage.py load_demo`) go in, and a reader account with a verified
   address is made.
2. gunicorn serves it on a free port of 127.0.0.1 with the production settings (DEBUG off, a random
   SECRET_KEY), except that it is plain HTTP: no HTTPS redirect, and cookies without the Secure flag
   (SECURE_COOKIES=false), or the scanner could not carry the session.
3. The reader logs in through /accounts/login/ like a browser; wapiti gets that session as its cookie file and
   crawls and attacks the site, bounded in time (the crawl, then each module) and kept away from
   /accounts/logout/ so it stays logged in.
4. Its JSON report is written outside the repository's tracked files (var/scan/ by default, ignored by git);
   the run prints the modules, the findings by severity and the report's path, and exits 1 when anything is
   above low severity (a vulnerability or an anomaly such as a 500).

    python security/scan.py [--crawl-seconds 60] [--attack-seconds 15] [--report var/scan/wapiti.json]
"""

import argparse
import http.cookiejar
import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# wapiti's levels (wapitiCore.language.vulnerability): the report stores them as strings "0" to "4".
SEVERITIES = {0: "info", 1: "low", 2: "medium", 3: "high", 4: "critical"}
LOW = 1
# The default modules, less ssrf (it needs wapiti's server on the Internet to see a request arrive), plus the
# forms' CSRF protection, header injection and unusual HTTP methods.
MODULES = "common,-ssrf,csrf,crlf,methods"
READER = "scan-reader"
# wapiti runs with two corrections to Debian's 3.0.4, each applied only where it is still needed:
# - it cannot exclude a URL (-x) under Python 3.11: wildcard_translate() puts the regular expression's flags
#   at the end, which Python 3.11 refuses; here they go first;
# - its csrf module does not know Django's form field, csrfmiddlewaretoken, so it calls every Django form
#   "Lack of anti CSRF token" without testing it; told the name, it checks that a forged token is refused.
RUN_WAPITI = """
import re, sys
import wapitiCore.net.crawler as crawler
from wapitiCore.attack.mod_csrf import mod_csrf
from wapitiCore.main.wapiti import wapiti_main

if "csrfmiddlewaretoken" not in mod_csrf.TOKEN_FORM_STRINGS:
    mod_csrf.TOKEN_FORM_STRINGS.append("csrfmiddlewaretoken")

def wildcard_translate(pattern):
    return re.compile("(?ms)" + ".*".join(re.escape(part) for part in pattern.split("*")) + r"\\Z")

if hasattr(crawler, "wildcard_translate"):
    try:
        crawler.wildcard_translate("/")
    except re.error:
        crawler.wildcard_translate = wildcard_translate
sys.argv[0] = "wapiti"
sys.exit(wapiti_main())
"""


@dataclass(frozen=True)
class Finding:
    kind: str  # "vulnerability", "anomaly" or "additional" (the report's three sections)
    category: str
    level: int
    method: str
    path: str
    parameter: str
    info: str

    @property
    def severity(self) -> str:
        return SEVERITIES.get(self.level, str(self.level))

    def __str__(self) -> str:
        where = f"{self.method} {self.path}" + (f" ({self.parameter})" if self.parameter else "")
        return f"[{self.severity}] {self.category}: {where}: {self.info}"


def read_findings(report: dict) -> list[Finding]:
    """Every vulnerability, anomaly and additional finding of a wapiti JSON report."""
    found = []
    for kind, section in (
        ("vulnerability", "vulnerabilities"),
        ("anomaly", "anomalies"),
        ("additional", "additionals"),
    ):
        for category, entries in (report.get(section) or {}).items():
            for entry in entries:
                found.append(
                    Finding(
                        kind=kind,
                        category=category,
                        level=int(entry.get("level", 0)),
                        method=entry.get("method", ""),
                        path=entry.get("path", ""),
                        parameter=entry.get("parameter", ""),
                        info=entry.get("info", ""),
                    )
                )
    return found


def above_threshold(findings: list[Finding], threshold: int = LOW) -> list[Finding]:
    """The findings that fail the scan: those more severe than the threshold (low by default)."""
    return [finding for finding in findings if finding.level > threshold]


def summary(findings: list[Finding]) -> str:
    counts = Counter(finding.level for finding in findings)
    return ", ".join(
        f"{SEVERITIES[level]} {counts.get(level, 0)}" for level in sorted(SEVERITIES, reverse=True)
    )


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--crawl-seconds", type=float, default=60, help="how long wapiti crawls (default 60)")
    parser.add_argument(
        "--attack-seconds", type=float, default=15, help="how long each attack module runs (default 15)"
    )
    parser.add_argument("--modules", default=MODULES, help=f"wapiti's -m option (default {MODULES!r})")
    parser.add_argument(
        "--report",
        type=Path,
        default=ROOT / "var" / "scan" / "wapiti.json",
        help="where the JSON report goes (default var/scan/wapiti.json, ignored by git)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary site (database, logs)")
    return parser.parse_args(argv)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def site_env(workdir: Path, port: int) -> dict[str, str]:
    """The production settings on plain HTTP, in a directory of their own; nothing of the caller's database,
    Redis or mail server leaks in."""
    keep = {"PATH", "HOME", "LANG", "LC_ALL"}
    return {
        **{name: value for name, value in os.environ.items() if name in keep},
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SITE_URL": f"http://127.0.0.1:{port}",
        "SECURE_SSL_REDIRECT": "false",
        "SECURE_COOKIES": "false",
        "TRIBUNE_VAR_DIR": str(workdir),
        "PYTHONUNBUFFERED": "1",
    }


def manage(env: dict[str, str], *args: str) -> None:
    subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL
    )


CREATE_READER = """
from allauth.account.models import EmailAddress
from forum.accounts.models import User
user = User.objects.create_user(
    {username!r}, email={email!r}, password={password!r}, display_name="Scan Reader"
)
EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=True)
"""


def build_site(env: dict[str, str], password: str) -> None:
    manage(env, "migrate", "--noinput")
    manage(env, "collectstatic", "--noinput")
    manage(env, "load_demo")
    code = CREATE_READER.format(username=READER, email=f"{READER}@example.com", password=password)
    manage(env, "shell", "--no-imports", "-c", code)


def start_site(env: dict[str, str], port: int, logs: Path) -> subprocess.Popen:
    log = (logs / "gunicorn.log").open("w")
    server = subprocess.Popen(
        [
            *(sys.executable, "-m", "gunicorn", "forum.wsgi", "--workers", "2", "--timeout", "60"),
            *("--bind", f"127.0.0.1:{port}", "--access-logfile", str(logs / "access.log")),
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    log.close()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"scan: gunicorn exited:\n{(logs / 'gunicorn.log').read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5):
                return server
        except (urllib.error.URLError, OSError):
            time.sleep(0.5)
    server.terminate()
    raise SystemExit("scan: the site did not answer /healthz within 60 s")


def log_in(base: str, username: str, password: str) -> http.cookiejar.CookieJar:
    """Log in through the login form with its CSRF token, as a browser does; the jar holds the session."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    with opener.open(f"{base}/accounts/login/", timeout=30) as response:
        page = response.read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    if not token:
        raise SystemExit("scan: no CSRF token in the login form")
    form = {"login": username, "password": password, "csrfmiddlewaretoken": token.group(1)}
    opener.open(f"{base}/accounts/login/", urllib.parse.urlencode(form).encode(), timeout=30).close()
    with opener.open(f"{base}/accounts/profile/", timeout=30) as response:
        if urllib.parse.urlsplit(response.url).path != "/accounts/profile/":
            raise SystemExit(
                f"scan: logging in as {username} failed (the profile page sent to {response.url})"
            )
    if not any(cookie.name == "sessionid" for cookie in jar):
        raise SystemExit("scan: logging in set no session cookie")
    return jar


def wapiti_cookies(jar: http.cookiejar.CookieJar) -> dict:
    """The jar in wapiti's cookie file format (wapitiCore.net.jsoncookie): domain, path, name, attributes."""
    cookies: dict = {}
    for cookie in jar:
        cookies.setdefault(cookie.domain, {}).setdefault(cookie.path, {})[cookie.name] = {
            "value": cookie.value,
            "expires": cookie.expires,
            "secure": cookie.secure,
            "port": None,
            "version": 0,
        }
    return cookies


def wapiti_python() -> str:
    """The interpreter of the wapiti command (Debian's python3, which has wapitiCore)."""
    script = Path(shutil.which("wapiti") or "/usr/bin/wapiti")
    first_line = script.read_text(errors="replace").splitlines()[0]
    return first_line[2:].strip() if first_line.startswith("#!") else "/usr/bin/python3"


def run_wapiti(args: argparse.Namespace, base: str, cookie_file: Path, workdir: Path) -> list[str]:
    """Runs the scan and returns the modules it launched. A hard limit backs up wapiti's own bounds."""
    command = [
        wapiti_python(),
        "-c",
        RUN_WAPITI,
        "-u",
        f"{base}/",
        "--scope",
        "folder",
        "-c",
        str(cookie_file),
    ]
    command += ["-x", f"{base}/accounts/logout/*", "-m", args.modules]
    command += ["--max-scan-time", str(args.crawl_seconds), "--max-attack-time", str(args.attack_seconds)]
    command += ["--timeout", "10", "--flush-session", "--no-bugreport", "-v", "1"]
    command += ["--store-session", str(workdir / "wapiti"), "--store-config", str(workdir / "wapiti")]
    command += ["-f", "json", "-o", str(args.report)]
    (workdir / "wapiti").mkdir()
    # Each module may overrun its limit by the request in flight; 20 modules is more than wapiti has.
    limit = args.crawl_seconds + 20 * (args.attack_seconds + 15) + 120
    print(f"scan: wapiti {' '.join(command[3:])}", flush=True)
    log_path = args.report.parent / "wapiti.log"
    with log_path.open("w") as log:
        try:
            result = subprocess.run(command, stdout=log, stderr=subprocess.STDOUT, timeout=limit, cwd=workdir)
        except subprocess.TimeoutExpired:
            raise SystemExit(
                f"scan: wapiti ran longer than {limit:.0f} s; its output is in {log_path}"
            ) from None
    output = log_path.read_text(errors="replace")
    if result.returncode != 0 or not args.report.exists():
        raise SystemExit(f"scan: wapiti failed (exit {result.returncode}):\n{output[-3000:]}")
    return re.findall(r"Launching module (\w+)", output)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    args.report = args.report.resolve()
    logs = args.report.parent  # wapiti's output and the site's logs, beside the report
    logs.mkdir(parents=True, exist_ok=True)
    if shutil.which("wapiti") is None:
        raise SystemExit("scan: wapiti is not installed (apt-get install wapiti; `make scan` does it)")
    workdir = Path(tempfile.mkdtemp(prefix="tribune-scan-"))
    server = None
    started = time.monotonic()
    try:
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        env = site_env(workdir, port)
        password = secrets.token_urlsafe(16)
        print(f"scan: building the site in {workdir}", flush=True)
        build_site(env, password)
        server = start_site(env, port, logs)
        cookie_file = workdir / "cookies.json"
        cookie_file.write_text(json.dumps(wapiti_cookies(log_in(base, READER, password)), indent=2))
        print(f"scan: {base}/ is up, logged in as {READER}; wapiti starts", flush=True)
        modules = run_wapiti(args, base, cookie_file, workdir)
    finally:
        if server is not None:
            os.killpg(server.pid, 15)
            server.wait(timeout=30)
        if args.keep:
            print(f"scan: the site's files are kept in {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)

    findings = read_findings(json.loads(args.report.read_text()))
    failing = above_threshold(findings)
    print(f"scan: {time.monotonic() - started:.0f} s; modules run: {', '.join(modules) or 'none'}")
    print(f"scan: findings by severity: {summary(findings)}")
    for finding in sorted(findings, key=lambda f: (-f.level, f.category, f.path)):
        print(f"  {finding}")
    print(f"scan: report in {args.report}")
    if failing:
        print(f"scan: FAILED, {len(failing)} finding(s) above low severity", file=sys.stderr)
        return 1
    print("scan: passed, nothing above low severity")
    return 0


if __name__ == "__main__":
    sys.exit(main())

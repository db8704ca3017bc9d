"""The scan's verdict (security/scan.py): which of wapiti's findings fail `make scan`. wapiti itself does
not run here; `make scan` runs it (docs/security.md)."""

from http.cookiejar import Cookie, CookieJar

from security.scan import above_threshold, read_findings, summary, wapiti_cookies


def entry(level: str, path: str = "/", info: str = "something") -> dict:
    # The shape wapiti 3.0.4's JSON report gives each finding (levels are strings there).
    return {"method": "GET", "path": path, "info": info, "level": level, "parameter": "", "http_request": ""}


def report(vulnerabilities: dict | None = None, anomalies: dict | None = None) -> dict:
    return {
        "classifications": {},
        "vulnerabilities": vulnerabilities or {},
        "anomalies": anomalies or {},
        "additionals": {},
        "infos": {"target": "http://127.0.0.1:1/", "version": "Wapiti 3.0.4"},
    }


def test_low_and_info_findings_pass():
    findings = read_findings(
        report({"HTTP Secure Headers": [entry("1")], "Fingerprint web technology": [entry("0")]})
    )

    assert [f.level for f in findings] == [1, 0]
    assert above_threshold(findings) == []


def test_a_medium_vulnerability_fails():
    findings = read_findings(
        report({"Cross Site Request Forgery": [entry("2", "/language/", "Lack of anti CSRF token")]})
    )

    failing = above_threshold(findings)

    assert [(f.category, f.path, f.severity) for f in failing] == [
        ("Cross Site Request Forgery", "/language/", "medium")
    ]


def test_an_internal_error_anomaly_fails():
    # A 500 is an anomaly of high level in wapiti's report, not a vulnerability: it fails the scan too.
    findings = read_findings(
        report(anomalies={"Internal Server Error": [entry("3", "/articles/x/comments/")]})
    )

    assert [(f.kind, f.severity) for f in above_threshold(findings)] == [("anomaly", "high")]


def test_empty_or_missing_sections_pass():
    assert read_findings({"vulnerabilities": {"Cross Site Scripting": []}}) == []
    assert read_findings({}) == []


def test_summary_counts_every_severity():
    findings = read_findings(report({"A": [entry("1"), entry("1")], "B": [entry("4")]}))

    assert summary(findings) == "critical 1, high 0, medium 0, low 2, info 0"


def test_the_session_cookie_is_written_in_wapitis_format():
    jar = CookieJar()
    jar.set_cookie(
        Cookie(
            version=0, name="sessionid", value="abc123", port=None, port_specified=False,
            domain="127.0.0.1", domain_specified=False, domain_initial_dot=False, path="/",
            path_specified=True, secure=False, expires=None, discard=True, comment=None,
            comment_url=None, rest={"HttpOnly": None},
        )
    )  # fmt: skip

    assert wapiti_cookies(jar) == {
        "127.0.0.1": {
            "/": {
                "sessionid": {"value": "abc123", "expires": None, "secure": False, "port": None, "version": 0}
            }
        }
    }

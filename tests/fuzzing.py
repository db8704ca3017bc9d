"""What the Hypothesis tests share: one bounded settings profile, text an attacker would type, and a check
that a piece of HTML holds nothing a comment may not carry."""

from html.parser import HTMLParser
from urllib.parse import urlsplit

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from forum.lib.markdown import COMMENT_TAGS, URL_SCHEMES

# Bounded: the fuzz tests together stay well under a minute. No deadline: the first example of a run pays for
# warming up templates and the database, which says nothing about the code under test.
FUZZ = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
# A request through the whole stack (middleware, posting, spam check, templates) costs a hundred times a call
# of the sanitiser: fewer examples keep such a test near 15 s on a loaded machine.
FUZZ_REQUESTS = settings(FUZZ, max_examples=50)

# Pieces of the markup that the parser and the sanitiser treat specially, and of known attacks.
MARKUP = [
    "<",
    ">",
    "&",
    '"',
    "'",
    "`",
    "*",
    "_",
    "[",
    "]",
    "(",
    ")",
    "\\",
    "\n",
    "\n\n",
    "> ",
    "- ",
    "1. ",
    "    ",
    "```",
    "<script>alert(1)</script>",
    "<script",
    "</script>",
    "<img src=x onerror=alert(1)>",
    '<a href="javascript:alert(1)">x</a>',
    '<p style="color:red" onclick="x()">',
    "<style>",
    "<svg/onload=alert(1)>",
    "<iframe src=//evil.example>",
    "javascript:",
    "JaVaScRiPt:",
    "java\tscript:",
    "vbscript:",
    "data:text/html;base64,PHNjcmlwdD4=",
    "&#106;avascript:",
    "&#x6A;",
    "[x](",
    "](javascript:alert(1))",
    "](//evil.example/a)",
    "](/\\evil.example)",
    "<https://a.example>",
    "https://a.example/?q=<b>",
    "//evil.example",
    "mailto:a@b.example",
    " onmouseover=",
    'style="',
    "<!--",
    "-->",
    "<![CDATA[",
    "]]>",
    "\u202e",
    "\u200b",
    "\x00",
]
attack_text = st.lists(st.one_of(st.sampled_from(MARKUP), st.text(max_size=12)), max_size=25).map("".join)


class _Collector(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, attrs))

    handle_startendtag = handle_starttag


def unsafe_parts(html: str) -> list[str]:
    """Everything in `html` that a sanitised comment must not hold: other tags, any attribute but a link's
    href/title/rel, event handlers, styles, and link targets outside http, https and mailto."""
    problems = []
    if "<script" in html.lower() or "<style" in html.lower():
        problems.append("a script or style element")
    collector = _Collector()
    collector.feed(html)
    collector.close()
    for tag, attrs in collector.elements:
        if tag not in COMMENT_TAGS:
            problems.append(f"tag <{tag}>")
        for name, value in attrs:
            if name.startswith("on") or name == "style" or tag != "a" or name not in {"href", "title", "rel"}:
                problems.append(f"attribute {name} on <{tag}>")
            elif name == "href":
                target = "".join((value or "").split()).lower()
                scheme = urlsplit(target).scheme
                if scheme and scheme not in URL_SCHEMES:
                    problems.append(f"link to {value!r}")
                if "javascript:" in target or "vbscript:" in target or target.startswith("data:"):
                    problems.append(f"link to {value!r}")
            elif name == "rel" and value != "nofollow ugc noopener noreferrer":
                problems.append(f"rel={value!r}")
        if tag == "a" and ("rel", "nofollow ugc noopener noreferrer") not in attrs:
            problems.append(f"a link without the rel of external links: {attrs}")
    return problems

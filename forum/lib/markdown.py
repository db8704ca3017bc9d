"""Markdown to safe HTML, for article bodies (editors) and comment bodies (readers).

Rendered once on save and stored; never at request time. markdown-it-py never passes raw HTML through
(`html: False`), and nh3 then enforces an allow-list, so whatever the parser emits, only these tags,
attributes and URL schemes reach a page.
"""

import nh3
from markdown_it import MarkdownIt

LINK_REL = "nofollow ugc noopener noreferrer"
URL_SCHEMES = {"http", "https", "mailto"}

COMMENT_TAGS = {"p", "br", "em", "strong", "a", "blockquote", "ul", "ol", "li", "code", "pre"}
ARTICLE_TAGS = COMMENT_TAGS | {
    "h2",
    "h3",
    "h4",
    "hr",
    "img",
    "figure",
    "figcaption",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "del",
    "sup",
    "sub",
}

_comment_parser = (
    MarkdownIt("commonmark", {"html": False, "breaks": True, "linkify": True, "typographer": False})
    .enable("linkify")
    .disable(["image", "heading", "lheading", "hr", "html_block", "html_inline"])
)
_article_parser = MarkdownIt("commonmark", {"html": False, "linkify": True}).enable(
    ["linkify", "table", "strikethrough"]
)


def sanitise_comment_html(html: str) -> str:
    """Clean HTML that came from anywhere (our renderer, or an imported file) down to the comment subset."""
    return nh3.clean(
        html,
        tags=COMMENT_TAGS,
        # "*" empties ammonia's default generic attributes (title and lang on every tag).
        attributes={"a": {"href", "title"}, "*": set()},
        url_schemes=URL_SCHEMES,
        link_rel=LINK_REL,
        strip_comments=True,
    ).strip()


def render_comment(source: str) -> str:
    return sanitise_comment_html(_comment_parser.render(source))


def render_article(source: str) -> str:
    return nh3.clean(
        _article_parser.render(source),
        tags=ARTICLE_TAGS,
        attributes={
            "a": {"href", "title"},
            "img": {"src", "alt", "title"},
            "th": {"align"},
            "td": {"align"},
            "*": set(),
        },
        url_schemes=URL_SCHEMES,
        link_rel=LINK_REL,
        strip_comments=True,
    ).strip()

"""Foreign comment HTML → the stored pair (`body`, `body_html`).

Decided (docs/migrating.md): `body_html` is the source's HTML passed through the same sanitiser as every
comment (`sanitise_comment_html`), so paragraphs, line breaks, emphasis, links, quotes, lists and code
survive and nothing else does; `body` is that HTML written back as Markdown, so that the text reads as the
site's own source and renders to the same HTML if the comment is ever saved again. Both are functions of
the sanitised HTML alone, which is what the Disqus export writes, so an import of an export gives the
same texts.

Before sanitising, a light pass keeps the structure of markup the allow-list does not have: `<b>`/`<i>`
become `<strong>`/`<em>` and block elements (`<div>`, headings, ...) become paragraphs. It is a
convenience, not a safety measure: nh3 sees everything afterwards.
"""

from __future__ import annotations

import re
from html import escape, unescape
from html.parser import HTMLParser

from forum.lib.markdown import COMMENT_TAGS, sanitise_comment_html

RENAMED = {"b": "strong", "i": "em"}
AS_PARAGRAPH = {
    "div", "section", "article", "header", "footer", "aside", "main", "address", "center", "figure",
    "figcaption", "h1", "h2", "h3", "h4", "h5", "h6", "dl", "dt", "dd", "table", "tr", "details", "summary",
}  # fmt: skip
DROPPED_WITH_CONTENT = {"script", "style", "template", "iframe", "object", "noscript", "svg", "math", "head"}
VOID = {"br", "img", "hr", "input", "meta", "link", "wbr", "col", "area", "base", "source", "embed"}

_TAG = re.compile(r"<[a-zA-Z/!]")
_TAG_NAME = re.compile(r"</?\s*([a-zA-Z][\w:-]*)")
_ANY_TAG = re.compile(r"<[^>]*>")
_EMPTY_PARAGRAPH = re.compile(r"<p>(?:\s|<br>)*</p>")


def message_to_comment(message: str) -> tuple[str, str]:
    """Return (body, body_html) for a message from an export."""
    html = message.strip()
    if not html:
        return "", ""
    if not _TAG.search(html):
        html = paragraphs_from_text(html)
    if not {name.lower() for name in _TAG_NAME.findall(html)} <= COMMENT_TAGS:
        html = _Restructure.run(html)
    body_html = _EMPTY_PARAGRAPH.sub("", sanitise_comment_html(html)).strip()
    return html_to_markdown(body_html), body_html


def paragraphs_from_text(text: str) -> str:
    """Plain text (or WordPress's stored comment text) → HTML paragraphs: WordPress's `wpautop`, in short.

    A blank line separates paragraphs and a single line break stays a line break. Chunks that already
    start with a block element are left alone. The text may hold inline HTML; it is not escaped here.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    if not text:
        return ""
    chunks = [chunk.strip() for chunk in re.split(r"\n\s*\n", text) if chunk.strip()]
    html = []
    for chunk in chunks:
        if re.match(r"<(p|blockquote|ul|ol|pre|div|h[1-6]|table)\b", chunk, re.IGNORECASE):
            html.append(chunk)
        else:
            html.append("<p>" + re.sub(r"\s*\n\s*", "<br>\n", chunk) + "</p>")
    return "\n".join(html)


class _Restructure(HTMLParser):
    """Re-emit HTML with b/i renamed, blocks turned into paragraphs, and scripts and styles dropped."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.dropping = 0

    @classmethod
    def run(cls, html: str) -> str:
        parser = cls()
        parser.feed(html)
        parser.close()
        return "".join(parser.out)

    def handle_starttag(self, tag, attrs):
        if tag in DROPPED_WITH_CONTENT:
            self.dropping += 1
            return
        if self.dropping:
            return
        if tag in AS_PARAGRAPH:
            self.out.append("</p><p>")
            return
        tag = RENAMED.get(tag, tag)
        attributes = "".join(f' {name}="{escape(value or "", quote=True)}"' for name, value in attrs)
        self.out.append(f"<{tag}{attributes}>")

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.handle_endtag(tag)

    def handle_endtag(self, tag):
        if tag in DROPPED_WITH_CONTENT:
            self.dropping = max(0, self.dropping - 1)
            return
        if self.dropping or tag in VOID:
            return
        if tag in AS_PARAGRAPH:
            self.out.append("</p><p>")
            return
        self.out.append(f"</{RENAMED.get(tag, tag)}>")

    def handle_data(self, data):
        if not self.dropping:
            self.out.append(escape(data, quote=False))


# --- sanitised HTML → Markdown -------------------------------------------------------------------------

BLOCKS = {"p", "blockquote", "ul", "ol", "li", "pre"}


class _Node:
    __slots__ = ("attrs", "children", "tag")

    def __init__(self, tag: str, attrs: dict[str, str] | None = None):
        self.tag = tag
        self.attrs = attrs or {}
        self.children: list[_Node | str] = []


# Elements nested deeper than this keep their text but not their markup in the Markdown: the conversion
# recurses once per level, and the site's Markdown renderer ("commonmark" preset) nests no deeper than 20.
MAX_NESTING = 100


class _TreeBuilder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = _Node("root")
        self.stack = [self.root]
        self.too_deep: dict[str, int] = {}  # open elements left out, by tag (sanitised HTML is balanced)

    def handle_starttag(self, tag, attrs):
        if tag != "br" and len(self.stack) > MAX_NESTING:
            self.too_deep[tag] = self.too_deep.get(tag, 0) + 1
            return
        node = _Node(tag, {name: value or "" for name, value in attrs})
        self.stack[-1].children.append(node)
        if tag != "br":
            self.stack.append(node)

    def handle_endtag(self, tag):
        if self.too_deep.get(tag):
            self.too_deep[tag] -= 1
            return
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data):
        self.stack[-1].children.append(data)


def html_to_markdown(html: str) -> str:
    """Write sanitised comment HTML (the allow-list's tags only) as the Markdown that renders to it."""
    if all(tag in ("<p>", "</p>", "<br>") for tag in _ANY_TAG.findall(html)):
        # Most messages are paragraphs and line breaks: the same result without building a tree.
        paragraphs = (
            _finish_paragraph(
                "\n".join(_escape(_SPACES.sub(" ", unescape(line))) for line in part.split("<br>"))
            )
            for part in re.split(r"</?p>", html)
        )
        return "\n\n".join(paragraph for paragraph in paragraphs if paragraph)
    builder = _TreeBuilder()
    builder.feed(html)
    builder.close()
    return _blocks(builder.root.children).strip()


def _blocks(children: list[_Node | str], separator: str = "\n\n") -> str:
    """Render a sequence of block and inline nodes; runs of inline content become paragraphs."""
    parts: list[str] = []
    run: list[_Node | str] = []

    def flush():
        text = _paragraph(run)
        if text:
            parts.append(text)
        run.clear()

    for child in children:
        if isinstance(child, _Node) and child.tag in BLOCKS:
            flush()
            text = _block(child)
            if text:
                parts.append(text)
        else:
            run.append(child)
    flush()
    return separator.join(parts)


def _block(node: _Node) -> str:
    if node.tag == "p":
        return _paragraph(node.children)
    if node.tag == "blockquote":
        inner = _blocks(node.children)
        return "\n".join(f"> {line}" if line else ">" for line in inner.split("\n")) if inner else ""
    if node.tag in ("ul", "ol"):
        items = [child for child in node.children if isinstance(child, _Node) and child.tag == "li"]
        lines = []
        for number, item in enumerate(items, start=1):
            marker = f"{number}. " if node.tag == "ol" else "- "
            loose = any(isinstance(child, _Node) and child.tag == "p" for child in item.children)
            inner = _blocks(item.children, "\n\n" if loose else "\n")
            indent = " " * len(marker)
            first, *rest = inner.split("\n")
            lines.append(marker + first)
            lines.extend(indent + line if line else "" for line in rest)
        return "\n".join(lines)
    if node.tag == "pre":
        code = _text_content(node).strip("\n")
        fence = "```"
        while fence in code:
            fence += "`"
        return f"{fence}\n{code}\n{fence}"
    return _paragraph(node.children)  # an <li> outside a list


def _paragraph(children: list[_Node | str]) -> str:
    return _finish_paragraph(_inline(children))


def _finish_paragraph(text: str) -> str:
    lines = [line.strip() for line in text.split("\n")]
    while lines and not lines[0]:
        lines.pop(0)
    while lines and not lines[-1]:
        lines.pop()
    return "\n".join(_escape_line_start(line) for line in lines)


def _inline(children: list[_Node | str]) -> str:
    out = []
    for child in children:
        if isinstance(child, str):
            out.append(_escape(_SPACES.sub(" ", child)))
        elif child.tag == "br":
            out.append("\n")
        elif child.tag in ("em", "strong"):
            out.append(_wrap(_inline(child.children), "*" if child.tag == "em" else "**"))
        elif child.tag == "code":
            out.append(_code_span(_text_content(child)))
        elif child.tag == "a":
            out.append(_link(child))
        else:  # a block inside inline content: keep its text
            out.append(_inline(child.children))
    return "".join(out)


def _wrap(text: str, marker: str) -> str:
    stripped = text.strip()
    if not stripped:
        return text
    lead = text[: len(text) - len(text.lstrip())]
    trail = text[len(text.rstrip()) :]
    return f"{lead}{marker}{stripped}{marker}{trail}"


def _code_span(code: str) -> str:
    code = re.sub(r"\s+", " ", code)
    ticks = "`"
    while ticks in code:
        ticks += "`"
    pad = " " if code.startswith("`") or code.endswith("`") else ""
    return f"{ticks}{pad}{code}{pad}{ticks}"


def _link(node: _Node) -> str:
    label = _inline(node.children)
    href = node.attrs.get("href", "")
    if not href:
        return label
    if label == _escape(href):
        return href if re.match(r"https?://", href) else f"<{href}>"
    if re.search(r"[\s()<>]", href):
        href = "<" + href.replace("<", "%3C").replace(">", "%3E") + ">"
    return f"[{label}]({href})"


def _text_content(node: _Node) -> str:
    return "".join(child if isinstance(child, str) else _text_content(child) for child in node.children)


# Markdown's inline syntax, an entity-like `&...;`, and `<` before what could be an autolink or a tag.
_SPECIAL = re.compile(r"[\\`*_\[\]]|&(?=#?\w+;)|<(?=[A-Za-z/!?])")
_SPACES = re.compile(r"\s+")


def _escape(text: str) -> str:
    return _SPECIAL.sub(lambda match: "\\" + match.group(0), text)


_LINE_START = re.compile(r"^(?:(>)|([-+*])(?=\s|$)|(#)|(\d+)([.)])(?=\s|$)|(~~~))")


def _escape_line_start(line: str) -> str:
    """Keep a line of text from starting a quote, list, heading or fence."""
    match = _LINE_START.match(line)
    if not match:
        return line
    if match.group(4):
        return match.group(4) + "\\" + line[len(match.group(4)) :]
    return "\\" + line

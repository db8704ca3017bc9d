"""The demo content that `make run` loads: articles from Markdown files with front matter."""

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from django.conf import settings

DEMO_DIR = Path(settings.BASE_DIR) / "demo"
DEMO_ARTICLE = DEMO_DIR / "belarus-urges-truce.md"
DEMO_DISCUSSION = DEMO_DIR / "belarus-urges-truce.disqus.xml"
# The seed article first: it carries the discussion. The others give the front page its sections.
DEMO_ARTICLES = [DEMO_ARTICLE, DEMO_DIR / "grain-corridor-shipping.md", DEMO_DIR / "night-sky-comet.md"]


class FrontMatterError(ValueError):
    pass


@dataclass
class ArticleSource:
    title: str
    slug: str
    standfirst: str
    published_at: datetime
    body: str
    section: str = ""
    tags: list[str] = field(default_factory=list)
    image_alt: str = ""
    image_credit: str = ""
    image_caption: str = ""


def _unquote(value: str) -> str:
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        return value[1:-1]
    return value


def parse_article_file(path: Path) -> ArticleSource:
    """Read a Markdown file that starts with `---`, `key: value` lines and `---`."""
    lines = path.read_text(encoding="utf-8").splitlines()
    if not lines or lines[0].strip() != "---":
        raise FrontMatterError(f"{path}, line 1: expected '---' to open the front matter")
    fields: dict[str, str] = {}
    for number, line in enumerate(lines[1:], start=2):
        if line.strip() == "---":
            body = "\n".join(lines[number:]).strip() + "\n"
            break
        key, sep, value = line.partition(":")
        if not sep:
            raise FrontMatterError(f"{path}, line {number}: expected 'key: value', got {line!r}")
        fields[key.strip()] = _unquote(value)
    else:
        raise FrontMatterError(f"{path}: the front matter is never closed with '---'")
    missing = {"title", "slug", "published_at"} - fields.keys()
    if missing:
        raise FrontMatterError(f"{path}: the front matter lacks {', '.join(sorted(missing))}")
    try:
        published_at = datetime.fromisoformat(fields["published_at"].replace("Z", "+00:00"))
    except ValueError as exc:
        raise FrontMatterError(f"{path}: published_at is not an ISO 8601 time: {exc}") from None
    return ArticleSource(
        title=fields["title"],
        slug=fields["slug"],
        standfirst=fields.get("standfirst", ""),
        published_at=published_at,
        body=body,
        section=fields.get("section", ""),
        tags=[tag.strip() for tag in fields.get("tags", "").split(",") if tag.strip()],
        image_alt=fields.get("image_alt", ""),
        image_credit=fields.get("image_credit", ""),
        image_caption=fields.get("image_caption", ""),
    )

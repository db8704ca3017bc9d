"""schema.org NewsArticle for the article page (JSON-LD), as search engines read it."""

import json

from django.conf import settings
from django.utils.safestring import SafeString, mark_safe

from articles.models import Article

# The characters that could end the <script> element or start markup, escaped as json_script does.
JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def news_article(article: Article, request) -> SafeString:
    """The JSON-LD text to put inside <script type="application/ld+json">."""
    url = request.build_absolute_uri(article.get_absolute_url())
    modified = max(
        filter(
            None,
            [
                article.published_at,
                article.body_updated_at,
                *[note.created_at for note in article.correction_notes],
            ],
        ),
        default=article.updated_at,
    )
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": article.title[:110],
        "description": article.standfirst,
        "url": url,
        "mainEntityOfPage": url,
        "datePublished": article.published_at.isoformat() if article.published_at else None,
        "dateModified": modified.isoformat(),
        "author": [
            {
                "@type": "Person",
                "name": byline.name,
                "url": request.build_absolute_uri(byline.get_absolute_url()),
            }
            for byline in article.bylines
        ],
        "publisher": {
            "@type": "Organization",
            "name": settings.SITE_NAME,
            "url": request.build_absolute_uri("/"),
        },
    }
    if article.section:
        data["articleSection"] = article.section.name
    if article.tag_names:
        data["keywords"] = [tag.name for tag in article.tag_names]
    if article.has_lead_image():
        data["image"] = [
            request.build_absolute_uri(f"{settings.MEDIA_URL}{name}")
            for _, name in sorted(article.lead_image_renditions.items(), key=lambda item: -int(item[0]))
        ]
    return mark_safe(json.dumps(data, ensure_ascii=False).translate(JSON_SCRIPT_ESCAPES))

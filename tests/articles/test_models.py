import pytest

from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def test_body_is_rendered_and_sanitised_on_save():
    article = ArticleFactory(body="Hello <script>alert(1)</script> [x](javascript:alert(1)) **bold**")

    assert (
        article.body_html
        == "<p>Hello &lt;script&gt;alert(1)&lt;/script&gt; [x](javascript:alert(1)) <strong>bold</strong></p>"
    )


def test_links_in_bodies_get_a_safe_rel():
    article = ArticleFactory(body="[source](https://example.com/report)")

    assert article.body_html == (
        '<p><a href="https://example.com/report" rel="nofollow ugc noopener noreferrer">source</a></p>'
    )


def test_saving_only_the_body_rerenders_it():
    article = ArticleFactory(body="old")
    article.body = "*new*"

    article.save(update_fields=["body"])

    article.refresh_from_db()
    assert article.body_html == "<p><em>new</em></p>"

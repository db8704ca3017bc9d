import io
import re

import pytest
from django.core.management import call_command

from articles.models import Article
from forum.accounts.models import User
from forum.comments.models import Comment
from forum.demo.content import FrontMatterError, parse_article_file

pytestmark = pytest.mark.django_db


def test_load_demo_publishes_the_demo_article_once(settings):
    settings.DEBUG = True

    call_command("load_demo")
    call_command("load_demo")

    article = Article.objects.get()
    assert article.slug == "belarus-urges-truce"
    assert article.is_published()
    assert article.title == "Belarus Urges ‘Truce’ as Putin’s Closest Ally Calls for War to End"


def test_load_demo_creates_demo_accounts_only_in_debug(settings):
    settings.DEBUG = False
    call_command("load_demo")
    assert not User.objects.exists()

    settings.DEBUG = True
    call_command("load_demo")

    assert set(User.objects.values_list("username", flat=True)) == {"editor", "moderator", "reader"}
    assert User.objects.get(username="editor").groups.filter(name="Editors").exists()


def test_front_matter_error_names_the_line(tmp_path):
    path = tmp_path / "broken.md"
    path.write_text("---\ntitle: x\nthis line has no colon\n---\nbody\n", encoding="utf-8")

    with pytest.raises(FrontMatterError, match=r"line 3: expected 'key: value'"):
        parse_article_file(path)


def test_load_demo_loads_the_discussion_once_with_its_replies_nested(settings):
    settings.DEBUG = False

    call_command("load_demo")
    call_command("load_demo")

    article = Article.objects.get()
    assert article.comments.count() == 4
    first = article.comments.get(import_id="9001")
    assert sorted(first.get_children().values_list("author_name", flat=True)) == ["Dave", "Olena"]
    assert list(article.comments.roots().order_by("created_at").values_list("author_name", flat=True)) == [
        "Sirius",
        "Marko",
    ]
    assert article.comment_count == 4


def test_load_demo_says_whether_it_imported_the_discussion(settings):
    settings.DEBUG = False
    first, second = io.StringIO(), io.StringIO()

    call_command("load_demo", stdout=first)
    call_command("load_demo", stdout=second)

    assert "Imported the demo discussion: 4 comments" in first.getvalue()
    assert "Already there: the demo discussion (4 comments)" in second.getvalue()


def test_the_demo_article_shows_its_discussion_nested_as_in_the_file(client, settings):
    settings.DEBUG = False
    call_command("load_demo", stdout=io.StringIO())
    pk = dict(Comment.objects.values_list("import_id", "pk"))

    html = client.get("/articles/belarus-urges-truce/").content.decode()

    shown = re.findall(r'<article class="comment[^"]*" id="comment-(\d+)" data-depth="(\d+)"', html)
    assert shown == [
        (str(pk["9001"]), "0"),
        (str(pk["9002"]), "1"),
        (str(pk["9003"]), "1"),
        (str(pk["9004"]), "0"),
    ]
    assert re.search(r'<span class="comment-count"[^>]*>4 comments</span>', html)

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

    article = Article.objects.get(slug="belarus-urges-truce")
    assert article.is_published()
    assert article.title == "Belarus Urges ‘Truce’ as Putin’s Closest Ally Calls for War to End"


def test_load_demo_creates_demo_accounts_only_in_debug(settings):
    settings.DEBUG = False
    call_command("load_demo")
    assert list(User.objects.values_list("username", flat=True)) == ["newsroom"]
    assert not User.objects.get().has_usable_password()

    settings.DEBUG = True
    call_command("load_demo")

    assert set(User.objects.values_list("username", flat=True)) == {
        "editor",
        "moderator",
        "reader",
        "newsroom",
    }
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

    article = Article.objects.get(slug="belarus-urges-truce")
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


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def test_the_demo_article_is_in_world_with_its_tags_byline_standfirst_and_image(settings, media_root):
    settings.DEBUG = False

    call_command("load_demo", stdout=io.StringIO())

    article = Article.objects.get(slug="belarus-urges-truce")
    assert article.section.name == "World"
    assert [tag.name for tag in article.tag_names] == ["Belarus", "Russia", "Ukraine"]
    assert article.byline_text == "Tribune Newsroom"
    assert article.standfirst.startswith("Belarusian President Alexander Lukashenko has called for a truce")
    assert article.lead_image_alt.startswith("An illustration: a pale sky above three bands")
    assert article.lead_image_credit == "Illustration: Tribune demo, drawn by the project"
    assert (article.lead_image_width, article.lead_image_height) == (1600, 900)
    assert sorted(article.lead_image_renditions, key=int) == ["480", "800", "1200"]
    assert all((media_root / name).is_file() for name in article.lead_image_renditions.values())


def test_the_demo_has_two_more_articles_in_other_sections(settings, media_root):
    settings.DEBUG = False

    call_command("load_demo", stdout=io.StringIO())
    call_command("load_demo", stdout=io.StringIO())

    assert dict(Article.objects.values_list("slug", "section__name")) == {
        "belarus-urges-truce": "World",
        "grain-corridor-shipping": "Business",
        "night-sky-comet": "Science",
    }
    assert len(list(media_root.rglob("*.jpg"))) == 4  # the seed article's image and renditions, once


def test_the_demo_front_page_leads_with_the_seed_article_then_the_sections(client, settings, media_root):
    settings.DEBUG = False
    call_command("load_demo", stdout=io.StringIO())

    response = client.get("/")

    assert response.context["lead"].slug == "belarus-urges-truce"
    assert [section.name for section, _ in response.context["section_blocks"]] == ["Business", "Science"]
    world = client.get("/sections/world/")
    assert [a.slug for a in world.context["articles"]] == ["belarus-urges-truce"]

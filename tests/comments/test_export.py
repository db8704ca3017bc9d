import io
import json
import xml.etree.ElementTree as ET

import pytest
from django.core.management import CommandError, call_command

from articles.models import Article
from forum.comments.models import Comment
from forum.comments.posting import post_comment, set_status
from forum.demo.content import DEMO_DISCUSSION
from tests.comments.test_import_disqus import assert_trees_valid, disqus_file, post, run_import, thread
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def export(*args) -> str:
    out = io.StringIO()
    call_command("export_comments", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def discussions():
    """Every article's threads as nested (author, time, status, body, html, [replies]), by slug."""
    result = {}
    for article in Article.objects.order_by("slug"):
        nodes = list(article.comments.order_by("tree_id", "lft"))
        children: dict = {}
        for node in nodes:
            children.setdefault(node.parent_id, []).append(node)

        def build(node, children=children):
            facts = (node.author_name, node.created_at, node.status, node.body, node.body_html)
            return (*facts, [build(child) for child in children.get(node.pk, [])])

        result[article.slug] = (article.title, [build(root) for root in children.get(None, [])])
    return result


def test_import_export_import_gives_the_same_trees_texts_times_and_statuses(tmp_path, moderator):
    ArticleFactory(slug="belarus-urges-truce", title="Belarus urges truce")
    ArticleFactory(slug="grain-deal", title="Grain deal")
    source = disqus_file(
        tmp_path,
        thread("1", "belarus-urges-truce", title="Belarus urges truce"),
        thread("2", "grain-deal", title="Grain deal"),
        post("14", thread="1", parent="12", minute=14, message="<p>Deep <i>reply</i><br>two lines</p>"),
        post(
            "11",
            thread="1",
            minute=11,
            message="<p>One</p><p>Two, with <a href='https://x.example/'>a link</a></p>",
        ),
        post("12", thread="1", parent="11", minute=12, deleted=True),
        post("13", thread="1", parent="11", minute=13, spam=True, message="<p>Buy now</p>"),
        post("15", thread="1", minute=15, name="Guest without username"),
        post(
            "21",
            thread="2",
            minute=21,
            message="<blockquote>Quoted</blockquote><ul><li>a</li><li>b</li></ul>",
        ),
        post("22", thread="2", parent="21", minute=22, message="Plain text\nwith a break"),
        post("23", thread="2", minute=23),
    )
    run_import(source)
    set_status(comment=Comment.objects.get(import_id="15"), status=Comment.Status.HIDDEN, actor=moderator)
    set_status(comment=Comment.objects.get(import_id="23"), status=Comment.Status.PENDING, actor=moderator)
    before = discussions()
    exported = tmp_path / "tribune.xml"
    export("--format", "disqus", "--output", str(exported))

    Article.objects.all().delete()
    run_import(exported)

    assert discussions() == before
    assert {facts[2] for facts in _flatten(before)} == set(Comment.Status.values)
    assert_trees_valid()


def _flatten(result):
    for _title, roots in result.values():
        stack = list(roots)
        while stack:
            node = stack.pop()
            yield node[:5]
            stack.extend(node[5])


def test_a_disqus_export_of_the_same_site_imports_as_already_there(tmp_path):
    ArticleFactory(slug="belarus-urges-truce")
    run_import(DEMO_DISCUSSION)
    exported = tmp_path / "tribune.xml"
    export("--format", "disqus", "--output", str(exported))

    output = run_import(exported, "--source", "tribune")
    again = run_import(exported, "--source", "tribune")

    assert "4 comments" in output
    assert "0 comments, 4 already there" in again


def test_comments_of_accounts_export_under_their_public_names(tmp_path, reader):
    article = ArticleFactory(slug="belarus-urges-truce")
    reader.display_name = "Alice A."
    reader.save()
    post_comment(article=article, author=reader, body="Native *Markdown*")

    root = ET.fromstring(export("--format", "disqus"))

    ns = {"d": "http://disqus.com"}
    posted = root.find("d:post", ns)
    assert posted.findtext("d:author/d:name", namespaces=ns) == "Alice A."
    assert posted.findtext("d:author/d:isAnonymous", namespaces=ns) == "false"
    assert posted.findtext("d:message", namespaces=ns) == "<p>Native <em>Markdown</em></p>"
    assert posted.find("d:author/d:email", ns) is None
    assert posted.find("d:ipAddress", ns) is None


def test_the_disqus_export_describes_threads_and_posts(reader):
    article = ArticleFactory(slug="belarus-urges-truce", title="Belarus & the truce")
    first = post_comment(article=article, author=reader, body="First")
    reply = post_comment(article=article, author=reader, body="Reply", parent=first)

    root = ET.fromstring(export("--format", "disqus", "--base-url", "https://news.example/"))

    ns = {
        "d": "http://disqus.com",
        "dsq": "http://disqus.com/disqus-internals",
        "t": "urn:x-tribune:export:1",
    }
    dsq_id = "{http://disqus.com/disqus-internals}id"
    (exported_thread,) = root.findall("d:thread", ns)
    assert exported_thread.get(dsq_id) == str(article.pk)
    assert exported_thread.findtext("d:id", namespaces=ns) == "belarus-urges-truce"
    assert exported_thread.findtext("d:title", namespaces=ns) == "Belarus & the truce"
    assert (
        exported_thread.findtext("d:link", namespaces=ns)
        == "https://news.example/articles/belarus-urges-truce/"
    )
    posts = root.findall("d:post", ns)
    assert [p.get(dsq_id) for p in posts] == [str(first.pk), str(reply.pk)]
    assert posts[0].find("d:parent", ns) is None
    assert posts[1].find("d:parent", ns).get(dsq_id) == str(first.pk)
    assert [p.findtext("t:status", namespaces=ns) for p in posts] == ["published", "published"]


def test_characters_xml_cannot_carry_are_left_out(reader):
    article = ArticleFactory(slug="belarus-urges-truce")
    post_comment(article=article, author=reader, body="bell\x07 here")

    root = ET.fromstring(export("--format", "disqus"))

    assert root.findtext("{http://disqus.com}post/{http://disqus.com}message") == "<p>bell here</p>"


def test_the_json_export_has_the_documented_shape(reader):
    article = ArticleFactory(slug="belarus-urges-truce", title="Belarus urges truce")
    first = post_comment(article=article, author=reader, body="First *one*")
    reply = post_comment(article=article, author=reader, body="Reply", parent=first)

    document = json.loads(export("--format", "json"))

    assert set(document) == {"format", "version", "exported_at", "articles"}
    assert (document["format"], document["version"]) == ("tribune-comments", 1)
    (exported,) = document["articles"]
    assert {key: exported[key] for key in ("slug", "title", "url", "comments_open")} == {
        "slug": "belarus-urges-truce",
        "title": "Belarus urges truce",
        "url": "/articles/belarus-urges-truce/",
        "comments_open": True,
    }
    assert exported["comments"][1] == {
        "id": reply.pk,
        "parent": first.pk,
        "depth": 1,
        "created_at": reply.created_at.isoformat().replace("+00:00", "Z"),
        "edited_at": None,
        "author": {"name": "Alice", "account": True, "user_id": reader.pk},
        "status": "published",
        "body": "Reply",
        "html": "<p>Reply</p>",
        "score": 0,
        "imported_from": None,
    }
    assert exported["comments"][0]["body"] == "First *one*"


def test_the_json_export_names_the_source_of_imported_comments():
    ArticleFactory(slug="belarus-urges-truce")
    run_import(DEMO_DISCUSSION)

    document = json.loads(export("--format", "json"))

    comments = document["articles"][0]["comments"]
    assert [c["imported_from"] for c in comments] == [
        {"source": "disqus", "id": key} for key in ("9001", "9002", "9003", "9004")
    ]
    assert [c["author"]["name"] for c in comments] == ["Sirius", "Dave", "Olena", "Marko"]


def test_the_article_option_exports_one_article_even_without_comments(reader):
    quiet = ArticleFactory(slug="quiet")
    busy = ArticleFactory(slug="busy")
    post_comment(article=busy, author=reader, body="Elsewhere")

    document = json.loads(export("--format", "json", "--article", "quiet"))

    assert [(a["slug"], a["comments"]) for a in document["articles"]] == [(quiet.slug, [])]


def test_without_the_article_option_only_articles_with_comments_are_exported(reader):
    ArticleFactory(slug="quiet")
    busy = ArticleFactory(slug="busy")
    post_comment(article=busy, author=reader, body="Here")

    document = json.loads(export("--format", "json"))

    assert [a["slug"] for a in document["articles"]] == ["busy"]


def test_an_unknown_article_is_an_error():
    with pytest.raises(CommandError, match="no article has the slug 'nope'"):
        export("--format", "json", "--article", "nope")


def test_the_output_file_is_written_whole_and_reported(tmp_path):
    ArticleFactory(slug="belarus-urges-truce")
    run_import(DEMO_DISCUSSION)
    target = tmp_path / "comments.json"

    output = export("--format", "json", "--output", str(target))

    assert output == f"Exported 4 comments of 1 article to {target}.\n"
    assert len(json.loads(target.read_text(encoding="utf-8"))["articles"][0]["comments"]) == 4
    assert sorted(p.name for p in tmp_path.iterdir()) == ["comments.json"]

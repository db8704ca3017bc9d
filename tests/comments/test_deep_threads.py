"""Reply chains far deeper than Python's recursion limit (about 1,000 frames), posted by readers and imported
from Disqus: every page answers, the page stays bounded, and export and the tree check go through. Storage
depth is unlimited; every walk over a tree is iterative.

Each chain is built once per module and committed (so the module's data is flushed afterwards, as a
transactional test does); every test runs in its own transaction, rolled back, as usual."""

import io
import os
import re
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser, Group, Permission
from django.core.management import call_command
from django.db import connection
from django.db.models import Max, Q

from articles.models import Article
from forum.comments import signals, threads
from forum.comments.exporters import export_comments
from forum.comments.importers import DisqusReader, import_file
from forum.comments.importers.text import MAX_NESTING
from forum.comments.integrity import check_all_trees
from forum.comments.models import Comment
from forum.comments.nodes import build_nodes
from forum.comments.posting import post_comment
from tests.conftest import MIGRATED_GROUPS
from tests.factories import ArticleFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("deep_threads")]

IMPORTED_DEPTH = 5000
# Posting costs a reply one UPDATE of every ancestor (django-mptt's nested sets), so a chain of n replies
# costs n²/2 row updates: 5,000 take tens of minutes on a shared PostgreSQL. 1,000 is twice the depth at which
# the recursive walks failed; TRIBUNE_DEEP_POSTED=5000 runs the full depth.
POSTED_DEPTH = int(os.environ.get("TRIBUNE_DEEP_POSTED", "1000"))
DEEPEST_MARKER = "The deepest reply of all"
COMMENT_TAG = re.compile(r'<article class="comment[ "]')
T0 = datetime(2023, 3, 31, 19, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def committed(django_db_setup, django_db_blocker):
    """Module data, committed; flushed at the end of the module, and the migrated groups put back."""
    with django_db_blocker.unblock():
        try:
            yield
        finally:
            call_command("flush", interactive=False, verbosity=0)
            for name, permissions in MIGRATED_GROUPS.items():
                group = Group.objects.create(name=name)
                wanted = Q(pk__in=[])
                for app_label, codename in permissions:
                    wanted |= Q(content_type__app_label=app_label, codename=codename)
                group.permissions.set(Permission.objects.filter(wanted))


@contextmanager
def only_the_comments_app():
    """Other apps' listeners (spam checks, notifications) cost a task per reply; they have their tests."""
    saved = signals.comment_posted.receivers
    signals.comment_posted.receivers = []
    signals.comment_posted.sender_receivers_cache.clear()
    try:
        yield
    finally:
        signals.comment_posted.receivers = saved
        signals.comment_posted.sender_receivers_cache.clear()


@pytest.fixture(scope="module")
def posted_chain(committed):
    """POSTED_DEPTH comments, each a reply to the one before, posted through post_comment."""
    article = ArticleFactory(slug="deep-posted")
    reader = UserFactory(username="deep-reader")
    parent = None
    chain = []
    if connection.vendor == "postgresql":  # test data: no need to wait for each commit to reach the disk
        with connection.cursor() as cursor:
            cursor.execute("SET synchronous_commit TO off")
    with only_the_comments_app():
        for number in range(POSTED_DEPTH):
            body = DEEPEST_MARKER if number == POSTED_DEPTH - 1 else f"Reply number {number}"
            comment = post_comment(article=article, author=reader, body=body, parent=parent)
            # As a view does, answer a parent whose own parent is not cached: after an insert, django-mptt
            # follows cached parents recursively.
            comment._state.fields_cache.pop("parent", None)
            chain.append(comment)
            parent = comment
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("RESET synchronous_commit")
    return article, chain


def disqus_chain_file(path, slug: str, depth: int) -> None:
    posts = []
    for number in range(depth):
        parent = f'    <parent dsq:id="{9000 + number - 1}"/>\n' if number else ""
        message = DEEPEST_MARKER if number == depth - 1 else f"Reply number {number}"
        created = (T0 + timedelta(seconds=number)).isoformat().replace("+00:00", "Z")
        posts.append(
            f'  <post dsq:id="{9000 + number}">\n    <id/>\n'
            f"    <message><![CDATA[<p>{message}</p>]]></message>\n"
            f"    <createdAt>{created}</createdAt>\n    <isDeleted>false</isDeleted>\n"
            f"    <isSpam>false</isSpam>\n    <author>\n      <name>Reader {number}</name>\n"
            f"      <isAnonymous>true</isAnonymous>\n    </author>\n"
            f'    <thread dsq:id="7001"/>\n{parent}  </post>\n'
        )
    path.write_text(
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<disqus xmlns="http://disqus.com" xmlns:dsq="http://disqus.com/disqus-internals">\n'
        f'  <thread dsq:id="7001">\n    <id>{slug}</id>\n    <link>https://news.example/{slug}/</link>\n'
        "    <title>Deep</title>\n    <message/>\n    <createdAt>2023-03-31T18:00:00Z</createdAt>\n"
        "  </thread>\n" + "".join(posts) + "</disqus>\n",
        encoding="utf-8",
    )


@pytest.fixture(scope="module")
def imported_chain(committed, tmp_path_factory):
    """IMPORTED_DEPTH comments in one reply chain, imported from a Disqus export."""
    path = tmp_path_factory.mktemp("deep") / "deep.xml"
    disqus_chain_file(path, "deep-imported", IMPORTED_DEPTH)
    article = ArticleFactory(slug="deep-imported")
    report = import_file(DisqusReader(path))
    assert report.comments == IMPORTED_DEPTH
    return article, list(Comment.objects.filter(article=article).order_by("level"))


@pytest.fixture(scope="module", params=["posted", "imported"])
def chain(request):
    # Module-scoped, so that the chains are built before each test's own transaction begins.
    return request.getfixturevalue(f"{request.param}_chain")


def rendered_comments(html: str) -> list[int]:
    return [int(pk) for pk in re.findall(r'<article class="comment[^"]*" id="comment-(\d+)"', html)]


def test_the_chains_are_stored_at_full_depth(chain):
    article, comments = chain
    depth = len(comments)

    assert [c.level for c in comments] == list(range(depth))
    assert Comment.objects.filter(article=article).aggregate(deepest=Max("level"))["deepest"] == depth - 1
    assert all(c.status == Comment.Status.PUBLISHED for c in comments)


def test_article_page_shows_the_chain_down_to_the_display_depth(client, chain, django_assert_max_num_queries):
    article, comments = chain
    depth = len(comments)
    shown = settings.COMMENTS_DISPLAY_DEPTH

    with django_assert_max_num_queries(5):
        response = client.get(article.get_absolute_url())

    html = response.content.decode()
    assert response.status_code == 200
    assert rendered_comments(html) == [c.pk for c in comments[:shown]]
    assert len(COMMENT_TAG.findall(html)) == shown
    assert f"Continue this thread ({depth - shown} replies) →" in html
    assert f'href="/articles/{article.slug}/comments/{comments[shown - 1].pk}/"' in html
    assert DEEPEST_MARKER not in html


def test_permalink_of_the_deepest_comment_lists_a_bounded_set_of_ancestors(
    client, chain, django_assert_max_num_queries
):
    article, comments = chain
    depth = len(comments)
    deepest = comments[-1]
    nearest = threads.NEAREST_ANCESTORS

    with django_assert_max_num_queries(8):
        response = client.get(deepest.get_absolute_url())

    html = response.content.decode()
    assert response.status_code == 200
    assert rendered_comments(html) == [deepest.pk]
    assert DEEPEST_MARKER in html
    nav = re.search(r'<nav class="ancestors".*?</nav>', html, re.DOTALL).group(0)
    listed = [int(pk) for pk in re.findall(r'<li><a href="/articles/[^/]+/comments/(\d+)/"', nav)]
    assert listed == [comments[0].pk] + [c.pk for c in comments[-1 - nearest : -1]]
    earlier = comments[-2 - nearest]
    left_out = depth - 2 - nearest
    assert re.findall(r'<li class="ancestors-gap"><a href="([^"]+)">([^<]+)</a>', nav) == [
        (
            f"/articles/{article.slug}/comments/{earlier.pk}/",
            f"Continue up the thread ({left_out} earlier comments) ↑",
        )
    ]


def test_continuing_up_the_thread_opens_the_nearest_ancestor_left_out(client, chain):
    _article, comments = chain
    earlier = comments[-2 - threads.NEAREST_ANCESTORS]

    response = client.get(earlier.get_absolute_url())

    html = response.content.decode()
    assert response.status_code == 200
    assert rendered_comments(html) == [
        c.pk for c in comments[earlier.level : earlier.level + settings.COMMENTS_DISPLAY_DEPTH]
    ]


@pytest.mark.parametrize("at", ["first", "last"])
def test_continue_this_thread_shows_the_next_levels(client, chain, at, django_assert_max_num_queries):
    article, comments = chain
    depth = len(comments)
    shown = settings.COMMENTS_DISPLAY_DEPTH
    # The comments with a "Continue this thread" link are those at depth shown - 1, 2 * shown - 1, ...
    level = shown - 1 if at == "first" else (depth - 1) // shown * shown - 1
    at_depth = comments[level]

    with django_assert_max_num_queries(8):
        response = client.get(
            f"/articles/{article.slug}/comments/{at_depth.pk}/thread/", headers={"HX-Request": "true"}
        )

    html = response.content.decode()
    assert response.status_code == 200
    expected = comments[level + 1 : level + 1 + shown]
    assert rendered_comments(html) == [c.pk for c in expected]
    if at == "last":
        assert DEEPEST_MARKER in html
        assert "Continue this thread" not in html
    else:
        assert f"Continue this thread ({depth - 1 - expected[-1].level} replies) →" in html
    nav = re.search(r'<nav class="ancestors".*?</nav>', html, re.DOTALL).group(0)
    assert nav.count("<li") <= 1 + threads.NEAREST_ANCESTORS + 2  # root, nearest, self, the gap


def test_continue_this_thread_without_htmx_goes_to_the_permalink(client, chain):
    article, comments = chain
    at_depth = comments[settings.COMMENTS_DISPLAY_DEPTH - 1]

    response = client.get(f"/articles/{article.slug}/comments/{at_depth.pk}/thread/")

    assert response.status_code == 302
    assert response["Location"] == at_depth.get_absolute_url()


def test_build_nodes_handles_the_whole_chain(chain):
    _article, comments = chain
    depth = len(comments)

    nodes = build_nodes(comments, AnonymousUser(), "oldest")

    assert [node.comment.pk for node in nodes] == [c.pk for c in comments[: settings.COMMENTS_DISPLAY_DEPTH]]
    assert nodes[-1].continue_thread
    assert nodes[-1].reply_count == depth - settings.COMMENTS_DISPLAY_DEPTH
    assert nodes[-1].close_count == settings.COMMENTS_DISPLAY_DEPTH - 1
    assert [node.reply_count for node in nodes] == [depth - 1 - n for n in range(len(nodes))]


def test_hidden_comments_deep_in_the_chain_stay_as_placeholders(chain):
    article, comments = chain
    depth = len(comments)
    Comment.objects.filter(pk__in=[c.pk for c in comments[1:-1]]).update(status=Comment.Status.SPAM)

    nodes = build_nodes(
        list(Comment.objects.filter(article=article).order_by("tree_id", "lft")), AnonymousUser(), "oldest"
    )

    assert [node.placeholder for node in nodes] == [""] + ["hidden"] * (settings.COMMENTS_DISPLAY_DEPTH - 1)
    assert nodes[-1].reply_count == depth - settings.COMMENTS_DISPLAY_DEPTH


def test_the_chain_exports_and_imports_back_whole(chain, tmp_path):
    article, comments = chain
    depth = len(comments)
    out = io.StringIO()

    report = export_comments(out, format="disqus", articles=Article.objects.filter(pk=article.pk))
    path = tmp_path / "export.xml"
    path.write_text(out.getvalue(), encoding="utf-8")
    copy = ArticleFactory(slug="deep-copy")
    again = import_file(DisqusReader(path), source="roundtrip", article=copy)

    assert (report.articles, report.comments) == (1, depth)
    assert again.comments == depth
    copied = list(Comment.objects.filter(article=copy).order_by("level").values_list("level", "body"))
    assert copied == list(
        Comment.objects.filter(article=article).order_by("level").values_list("level", "body")
    )
    assert check_all_trees() == []


def test_json_export_gives_every_depth(chain):
    article, comments = chain
    depth = len(comments)
    out = io.StringIO()

    export_comments(out, format="json", articles=Article.objects.filter(pk=article.pk))

    assert re.findall(r'"depth": (\d+)', out.getvalue()) == [str(n) for n in range(depth)]


def test_check_comment_trees_accepts_and_repairs_the_chain(chain, capsys):
    _article, comments = chain
    depth = len(comments)
    root = comments[0]

    call_command("check_comment_trees")
    assert "Every comment tree is valid." in capsys.readouterr().out
    Comment.objects.filter(tree_id=root.tree_id).update(lft=1, rght=2)
    call_command("check_comment_trees", "--fix")

    assert check_all_trees() == []
    rows = (
        Comment.objects.filter(tree_id=root.tree_id).order_by("lft").values_list("pk", "lft", "rght", "level")
    )
    assert list(rows) == [(c.pk, c.level + 1, 2 * depth - c.level, c.level) for c in comments]


def test_a_message_nested_a_thousand_deep_imports_with_its_text(tmp_path):
    path = tmp_path / "nested.xml"
    disqus_chain_file(path, "deep-message", 1)
    nested = "<blockquote>" * 1000 + "Deep down" + "</blockquote>" * 1000
    path.write_text(path.read_text().replace("<p>The deepest reply of all</p>", nested), encoding="utf-8")
    ArticleFactory(slug="deep-message")

    report = import_file(DisqusReader(path), source="nested")

    comment = Comment.objects.get(import_source="nested", import_id="9000")
    assert report.comments == 1
    assert comment.body_html.count("<blockquote>") == 1000
    assert comment.body == "> " * MAX_NESTING + "Deep down"  # the deeper quotes keep their text

import io
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from articles.models import Article
from forum.comments.importers import DisqusReader, ImportFileError, import_file
from forum.comments.integrity import check_all_trees
from forum.comments.models import Comment
from forum.comments.posting import post_comment, set_status
from forum.demo.content import DEMO_DISCUSSION
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

T0 = datetime(2023, 3, 31, 19, 0, tzinfo=UTC)
HEADER = (
    '<?xml version="1.0" encoding="utf-8"?>\n'
    '<disqus xmlns="http://disqus.com" xmlns:dsq="http://disqus.com/disqus-internals" '
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\n'
    '  <category dsq:id="1">\n    <forum>news</forum>\n    <title>General</title>\n  </category>\n'
)


def thread(dsq_id="7001", identifier="belarus-urges-truce", link=None, title="Belarus urges truce"):
    link = f"https://news.example/articles/{identifier}/" if link is None else link
    return (
        f'  <thread dsq:id="{dsq_id}">\n    <id>{identifier}</id>\n    <forum>news</forum>\n'
        f'    <category dsq:id="1"/>\n    <link>{link}</link>\n    <title>{title}</title>\n'
        "    <message/>\n    <createdAt>2023-03-31T18:00:00Z</createdAt>\n"
        "    <author>\n      <name>Newsroom</name>\n      <isAnonymous>false</isAnonymous>\n"
        "      <username>newsroom</username>\n    </author>\n    <isClosed>false</isClosed>\n"
        "    <isDeleted>false</isDeleted>\n  </thread>\n"
    )


def post(
    dsq_id,
    *,
    thread="7001",
    parent=None,
    message=None,
    minute=0,
    name=None,
    username="",
    deleted=False,
    spam=False,
):
    name = name or f"Reader {dsq_id}"
    message = f"<p>Comment {dsq_id}</p>" if message is None else message
    author = (
        f"      <name>{name}</name>\n      <isAnonymous>{'false' if username else 'true'}</isAnonymous>\n"
    )
    if username:
        author += f"      <username>{username}</username>\n"
    created = (T0 + timedelta(minutes=minute)).isoformat().replace("+00:00", "Z")
    parent_xml = f'    <parent dsq:id="{parent}"/>\n' if parent else ""
    return (
        f'  <post dsq:id="{dsq_id}">\n    <id/>\n    <message><![CDATA[{message}]]></message>\n'
        f"    <createdAt>{created}</createdAt>\n"
        f"    <isDeleted>{str(deleted).lower()}</isDeleted>\n    <isSpam>{str(spam).lower()}</isSpam>\n"
        f"    <author>\n{author}    </author>\n"
        f"    <ipAddress>192.0.2.1</ipAddress>\n"
        f'    <thread dsq:id="{thread}"/>\n{parent_xml}  </post>\n'
    )


def disqus_file(tmp_path: Path, *parts: str, name="export.xml") -> Path:
    path = tmp_path / name
    path.write_text(HEADER + "".join(parts) + "</disqus>\n", encoding="utf-8")
    return path


def run_import(path, *args) -> str:
    out = io.StringIO()
    call_command("import_disqus", str(path), *args, stdout=out)
    return out.getvalue()


def tree_rows(tree_ids=None):
    qs = Comment.objects.all() if tree_ids is None else Comment.objects.filter(tree_id__in=tree_ids)
    return sorted(qs.values_list("pk", "tree_id", "lft", "rght", "level", "parent_id"))


def assert_trees_valid():
    """Every tree passes the site's checker, and django-mptt's own rebuild computes the same numbers."""
    assert [str(problem) for problem in check_all_trees()] == []
    rows = tree_rows()
    for tree_id in {row[1] for row in rows}:
        Comment.objects.partial_rebuild(tree_id)
    assert tree_rows() == rows


def shape(article=None):
    """Each thread as nested (import id, [replies]) in tree order."""
    qs = Comment.objects.all() if article is None else Comment.objects.filter(article=article)
    nodes = list(qs.order_by("tree_id", "lft"))
    children: dict = {}
    for node in nodes:
        children.setdefault(node.parent_id, []).append(node)

    def build(node):
        return (node.import_id, [build(child) for child in children.get(node.pk, [])])

    return [build(root) for root in children.get(None, [])]


# --- the real structure ---------------------------------------------------------------------------------


def test_demo_export_nests_the_two_replies_under_the_first_post():
    article = ArticleFactory(slug="belarus-urges-truce")

    output = run_import(DEMO_DISCUSSION)

    assert shape(article) == [("9001", [("9002", []), ("9003", [])]), ("9004", [])]
    assert "1 thread, 4 comments, 0 already there, 0 skipped, 0 re-parented" in output
    assert_trees_valid()


def test_demo_export_keeps_authors_times_and_paragraphs():
    ArticleFactory(slug="belarus-urges-truce")

    run_import(DEMO_DISCUSSION)

    dave = Comment.objects.get(import_id="9002")
    assert (dave.author, dave.author_name, dave.import_source) == (None, "Dave", "disqus")
    assert dave.created_at == datetime(2023, 3, 31, 19, 40, 5, tzinfo=UTC)
    assert dave.body_html.startswith(
        "<p>Ukraine has been backed into a corner by a savage dictator and only half-hearted support from "
        "its friends.<br>The only way out for Ukraine is the Zel plan.</p><p>RuZZia has multiple options:<br>"
    )
    assert dave.body.startswith(
        "Ukraine has been backed into a corner by a savage dictator and only half-hearted support from its "
        "friends.\nThe only way out for Ukraine is the Zel plan.\n\nRuZZia has multiple options:\n"
    )


def test_anonymous_author_without_username_keeps_the_name():
    ArticleFactory(slug="belarus-urges-truce")

    run_import(DEMO_DISCUSSION)

    marko = Comment.objects.get(import_id="9004")
    assert (marko.author_id, marko.author_name, marko.display_author) == (None, "Marko", "Marko")


def test_replies_before_their_parents_nest_correctly(tmp_path):
    ArticleFactory(slug="belarus-urges-truce")
    path = disqus_file(
        tmp_path,
        thread(),
        post("4", parent="3", minute=4),
        post("3", parent="1", minute=3),
        post("2", parent="1", minute=2),
        post("1", minute=1),
    )

    run_import(path)

    assert shape() == [("1", [("2", []), ("3", [("4", [])])])]
    assert_trees_valid()


def test_the_older_documented_form_names_threads_and_parents_by_id(tmp_path):
    ArticleFactory(slug="old-style")
    path = tmp_path / "old.xml"
    path.write_text(
        '<?xml version="1.0"?>\n<disqus xmlns="http://disqus.com" '
        'xmlns:dsq="http://disqus.com/disqus-internals">\n'
        '<thread dsq:id="2"><id>old-style</id><link/><title/></thread>\n'
        "<post><id>11</id><message>Reply</message><parent>10</parent><thread>old-style</thread>"
        "<createdAt>2012-12-12T12:13:00</createdAt><author><name>Baz</name></author></post>\n"
        "<post><id>10</id><message>First</message><thread>old-style</thread>"
        "<createdAt>2012-12-12T12:12:12</createdAt><author><name>Baz</name></author></post>\n"
        "</disqus>\n",
        encoding="utf-8",
    )

    run_import(path)

    assert shape() == [("10", [("11", [])])]
    first = Comment.objects.get(import_id="10")
    assert (first.body_html, first.created_at) == (
        "<p>First</p>",
        datetime(2012, 12, 12, 12, 12, 12, tzinfo=UTC),
    )


# --- idempotency ----------------------------------------------------------------------------------------


def test_running_the_same_file_again_changes_nothing(tmp_path):
    ArticleFactory(slug="belarus-urges-truce")
    path = disqus_file(tmp_path, thread(), post("1"), post("2", parent="1"), post("3", deleted=True))
    run_import(path)
    before = list(Comment.objects.order_by("pk").values())

    output = run_import(path)

    assert list(Comment.objects.order_by("pk").values()) == before
    assert "0 comments, 2 already there, 1 skipped" in output


def test_a_later_export_adds_replies_to_comments_of_an_earlier_import(tmp_path):
    ArticleFactory(slug="belarus-urges-truce")
    run_import(
        disqus_file(tmp_path, thread(), post("1"), post("2", parent="1", minute=1), post("5", minute=5))
    )

    later = disqus_file(
        tmp_path,
        thread(),
        post("1"),
        post("2", parent="1", minute=1),
        post("5", minute=5),
        post("3", parent="2", minute=3),
        post("4", parent="1", minute=4),
        name="later.xml",
    )
    output = run_import(later)

    assert shape() == [("1", [("2", [("3", [])]), ("4", [])]), ("5", [])]
    assert "2 comments, 3 already there" in output
    assert_trees_valid()


def test_imported_threads_take_new_tree_ids_beside_existing_comments(tmp_path, reader):
    article = ArticleFactory(slug="belarus-urges-truce")
    first = post_comment(article=article, author=reader, body="Posted here before the import")
    reply = post_comment(article=article, author=reader, body="A reply", parent=first)
    existing = tree_rows()

    run_import(disqus_file(tmp_path, thread(), post("1"), post("2", parent="1"), post("3")))

    assert tree_rows([first.tree_id]) == existing
    imported_trees = set(Comment.objects.filter(import_source="disqus").values_list("tree_id", flat=True))
    assert len(imported_trees) == 2
    assert first.tree_id not in imported_trees
    assert reply.tree_id == first.tree_id
    assert_trees_valid()


def test_two_sources_keep_their_ids_apart(tmp_path):
    ArticleFactory(slug="belarus-urges-truce")
    path = disqus_file(tmp_path, thread(), post("1"))

    run_import(path)
    run_import(path, "--source", "disqus-archive")

    assert sorted(Comment.objects.values_list("import_source", "import_id")) == [
        ("disqus", "1"),
        ("disqus-archive", "1"),
    ]


# --- broken files: a clear error and nothing stored ------------------------------------------------------


def test_a_file_broken_half_way_stores_nothing_and_names_the_line(tmp_path):
    parts = [thread(dsq_id="7001", identifier="no-such-article")]
    parts += [post(str(n), minute=n) for n in range(1, 30)]
    broken = '  <post dsq:id="30">\n    <message>unclosed</post>\n'
    lines_before = (HEADER + "".join(parts)).count("\n")
    path = disqus_file(tmp_path, *parts, broken, *[post(str(n)) for n in range(31, 40)])

    with pytest.raises(
        CommandError, match=rf"line {lines_before + 2}, column \d+: the XML is malformed: mismatched tag"
    ):
        run_import(path)

    assert not Comment.objects.exists()
    assert not Article.objects.exists()


def test_a_failure_while_storing_rolls_back_every_batch(tmp_path):
    class FailsOnSecondReading(DisqusReader):
        readings = 0

        def records(self):
            self.readings += 1
            for number, record in enumerate(super().records()):
                if self.readings == 2 and number == 9:
                    raise ImportFileError(self.path, 123, "the disk went away")
                yield record

    path = disqus_file(
        tmp_path, thread(identifier="new-page"), *[post(str(n), minute=n) for n in range(1, 12)]
    )

    with pytest.raises(ImportFileError, match="line 123: the disk went away"):
        import_file(FailsOnSecondReading(path), batch_size=2)

    assert not Comment.objects.exists()
    assert not Article.objects.exists()


def test_an_unreadable_time_names_the_post_and_its_line(tmp_path):
    ArticleFactory(slug="belarus-urges-truce")
    good = post("1")
    bad = post("2").replace("2023-03-31T19:00:00Z", "yesterday")
    path = disqus_file(tmp_path, thread(), good, bad)
    line = (HEADER + thread() + good).count("\n") + 1

    with pytest.raises(
        CommandError, match=rf"line {line}: post 2: <createdAt> 'yesterday' is not an ISO 8601 time"
    ):
        run_import(path)

    assert not Comment.objects.exists()


def test_a_post_id_appearing_twice_is_refused(tmp_path):
    path = disqus_file(tmp_path, thread(), post("1"), post("1"))
    second = (HEADER + thread() + post("1")).count("\n") + 1

    with pytest.raises(CommandError, match=rf"line {second}: post 1 appears twice \(first on line"):
        run_import(path)


def test_a_file_that_is_not_a_disqus_export_is_refused(tmp_path):
    path = tmp_path / "feed.xml"
    path.write_text('<?xml version="1.0"?>\n<rss version="2.0"><channel/></rss>\n', encoding="utf-8")

    with pytest.raises(CommandError, match=r"line 2: this is not a Disqus export: it starts with <rss>"):
        run_import(path)


def test_a_missing_file_is_an_error(tmp_path):
    with pytest.raises(CommandError, match="no such file"):
        run_import(tmp_path / "missing.xml")


# --- parents, deletions, spam -------------------------------------------------------------------------


def test_a_post_whose_parent_is_missing_goes_to_the_top_and_is_counted(tmp_path):
    ArticleFactory(slug="belarus-urges-truce")
    path = disqus_file(
        tmp_path, thread(), post("1"), post("2", parent="404", minute=1), post("3", parent="2")
    )

    output = run_import(path)

    assert shape() == [("1", []), ("2", [("3", [])])]
    assert "1 re-parented" in output
    assert_trees_valid()


def test_posts_that_are_each_others_parents_are_untangled(tmp_path):
    ArticleFactory(slug="belarus-urges-truce")
    path = disqus_file(
        tmp_path, thread(), post("1", parent="3"), post("2", parent="1"), post("3", parent="2")
    )

    output = run_import(path)

    assert shape() == [("1", [("2", [("3", [])])])]
    assert "1 re-parented" in output
    assert_trees_valid()


def test_a_deleted_post_with_replies_stays_as_a_placeholder_without_text(tmp_path):
    ArticleFactory(slug="belarus-urges-truce")
    path = disqus_file(
        tmp_path,
        thread(),
        post("1", deleted=True, message="<p>regret</p>", name="Gone"),
        post("2", parent="1"),
    )

    run_import(path)

    placeholder = Comment.objects.get(import_id="1")
    assert (placeholder.status, placeholder.body, placeholder.body_html, placeholder.author_name) == (
        Comment.Status.DELETED,
        "",
        "",
        "",
    )
    assert shape() == [("1", [("2", [])])]


def test_deleted_posts_without_replies_are_skipped(tmp_path):
    ArticleFactory(slug="belarus-urges-truce")
    path = disqus_file(
        tmp_path,
        thread(),
        post("1"),
        post("2", deleted=True),
        post("3", parent="2", deleted=True),
        post("4", parent="1", deleted=True),
    )

    output = run_import(path)

    assert shape() == [("1", [])]
    assert "1 comment, 0 already there, 3 skipped" in output


def test_spam_keeps_its_status_and_text_and_is_not_counted(tmp_path):
    article = ArticleFactory(slug="belarus-urges-truce")
    path = disqus_file(tmp_path, thread(), post("1"), post("2", spam=True, message="<p>Cheap pills</p>"))

    run_import(path)

    spam = Comment.objects.get(import_id="2")
    assert (spam.status, spam.body) == (Comment.Status.SPAM, "Cheap pills")
    article.refresh_from_db()
    assert article.comment_count == 1


def test_the_comment_count_of_each_article_is_refreshed(tmp_path):
    one = ArticleFactory(slug="one")
    two = ArticleFactory(slug="two")
    path = disqus_file(
        tmp_path,
        thread("1", "one"),
        thread("2", "two"),
        post("1", thread="1"),
        post("2", thread="2"),
        post("3", thread="2", parent="2"),
    )

    run_import(path)

    one.refresh_from_db()
    two.refresh_from_db()
    assert (one.comment_count, two.comment_count) == (1, 2)


# --- foreign HTML -------------------------------------------------------------------------------------


def test_hostile_html_in_messages_is_stripped(tmp_path):
    ArticleFactory(slug="belarus-urges-truce")
    message = (
        '<p onclick="steal()">Hi <script>alert(1)</script><style>body{display:none}</style>'
        '<a href="javascript:alert(1)">js</a> <a href="data:text/html;base64,PHNjcmlwdD4=">data</a> '
        '<a href="https://ok.example/" onmouseover="x()">ok</a><img src="x" onerror="alert(1)">'
        '<iframe src="https://evil.example/"></iframe></p>'
    )
    run_import(disqus_file(tmp_path, thread(), post("1", message=message)))

    comment = Comment.objects.get()

    rel = 'rel="nofollow ugc noopener noreferrer"'
    assert comment.body_html == (
        f'<p>Hi <a {rel}>js</a> <a {rel}>data</a> <a href="https://ok.example/" {rel}>ok</a></p>'
    )
    assert comment.body == "Hi js data [ok](https://ok.example/)"


def test_formatting_survives_as_markdown_text(tmp_path):
    ArticleFactory(slug="belarus-urges-truce")
    message = (
        "<p><b>Bold</b> and <i>italic</i>, a_b *star*<br>next line</p>"
        "<blockquote>quoted</blockquote><div>a div</div><ul><li>one</li><li>two</li></ul>"
    )
    run_import(disqus_file(tmp_path, thread(), post("1", message=message)))

    comment = Comment.objects.get()

    assert comment.body_html == (
        "<p><strong>Bold</strong> and <em>italic</em>, a_b *star*<br>next line</p>"
        "<blockquote>quoted</blockquote><p>a div</p><ul><li>one</li><li>two</li></ul>"
    )
    assert comment.body == (
        "**Bold** and *italic*, a\\_b \\*star\\*\nnext line\n\n> quoted\n\na div\n\n- one\n- two"
    )


# --- threads and articles ---------------------------------------------------------------------------


def test_a_thread_finds_its_article_by_the_slug_in_its_link(tmp_path):
    article = ArticleFactory(slug="truce-talks")
    path = disqus_file(
        tmp_path,
        thread(
            identifier="42 https://news.example/?p=42", link="https://news.example/2023/03/truce-talks.html"
        ),
        post("1"),
    )

    run_import(path)

    assert Comment.objects.get().article == article
    assert Article.objects.count() == 1


def test_a_thread_without_article_becomes_a_draft_once(tmp_path):
    path = disqus_file(tmp_path, thread(identifier="lost-page", title="A page we lost"), post("1"))

    first = run_import(path)
    run_import(path)

    draft = Article.objects.get()
    assert (draft.slug, draft.title, draft.status) == ("lost-page", "A page we lost", Article.Status.DRAFT)
    assert Comment.objects.get().article == draft
    assert "New draft articles for an editor to review (1): lost-page" in first


def test_threads_without_comments_create_no_drafts(tmp_path):
    ArticleFactory(slug="belarus-urges-truce")
    path = disqus_file(tmp_path, thread(), thread("7002", "empty-page"), post("1"))

    run_import(path)

    assert list(Article.objects.values_list("slug", flat=True)) == ["belarus-urges-truce"]


def test_the_article_option_puts_a_single_thread_under_that_article(tmp_path):
    article = ArticleFactory(slug="chosen")
    path = disqus_file(tmp_path, thread(identifier="something-else"), post("1"), post("2", parent="1"))

    run_import(path, "--article", "chosen")

    assert set(Comment.objects.values_list("article_id", flat=True)) == {article.pk}
    assert Article.objects.count() == 1


def test_the_article_option_refuses_a_file_with_several_threads(tmp_path):
    ArticleFactory(slug="chosen")
    path = disqus_file(
        tmp_path, thread("1", "a"), thread("2", "b"), post("1", thread="1"), post("2", thread="2")
    )

    with pytest.raises(CommandError, match="has comments in 2 threads; only a file with one thread"):
        run_import(path, "--article", "chosen")

    assert not Comment.objects.exists()


def test_the_article_option_needs_an_existing_article(tmp_path):
    path = disqus_file(tmp_path, thread(), post("1"))

    with pytest.raises(CommandError, match="no article has the slug 'nope'"):
        run_import(path, "--article", "nope")


def test_posts_of_an_unknown_thread_are_skipped(tmp_path):
    ArticleFactory(slug="belarus-urges-truce")
    path = disqus_file(tmp_path, thread(), post("1"), post("2", thread="9999"))

    output = run_import(path)

    assert list(Comment.objects.values_list("import_id", flat=True)) == ["1"]
    assert "1 skipped" in output


# --- the command ---------------------------------------------------------------------------------------


def test_dry_run_reports_and_stores_nothing(tmp_path):
    path = disqus_file(tmp_path, thread(identifier="new-page"), post("1"), post("2", parent="1"))

    output = run_import(path, "--dry-run")

    assert "Dry run: everything was checked and nothing was stored." in output
    assert "Would import from Disqus: 1 thread, 2 comments" in output
    assert not Comment.objects.exists()
    assert not Article.objects.exists()


class Terminal(io.StringIO):
    def isatty(self):
        return True


def test_progress_is_shown_on_a_terminal_only(tmp_path):
    ArticleFactory(slug="belarus-urges-truce")
    path = disqus_file(tmp_path, thread(), post("1"))
    terminal = Terminal()

    call_command("import_disqus", str(path), stdout=terminal)
    plain = run_import(path)

    assert "\rStoring: 1 / 1 posts" in terminal.getvalue()
    assert "\r" not in plain


# --- the bulk path --------------------------------------------------------------------------------------


def test_a_large_shuffled_file_builds_the_same_trees_as_django_mptt(tmp_path):
    ArticleFactory(slug="one")
    ArticleFactory(slug="two")
    rng = random.Random(4)
    posts, parents = [], {}
    for n in range(1, 601):
        thread_id = "1" if n % 3 else "2"
        earlier = [m for m in parents if parents[m][0] == thread_id]
        parent = rng.choice(earlier) if earlier and rng.random() < 0.75 else None
        parents[n] = (thread_id, parent)
        posts.append(post(str(n), thread=thread_id, parent=parent and str(parent), minute=n))
    rng.shuffle(posts)
    path = disqus_file(tmp_path, thread("1", "one"), thread("2", "two"), *posts)

    report = import_file(DisqusReader(path), batch_size=50)

    assert (report.comments, report.reparented) == (600, 0)
    stored = dict(Comment.objects.values_list("import_id", "parent__import_id"))
    assert stored == {str(n): parent and str(parent) for n, (_t, parent) in parents.items()}
    assert_trees_valid()


def test_hidden_status_set_after_an_import_leaves_the_tree_alone(tmp_path, moderator):
    ArticleFactory(slug="belarus-urges-truce")
    run_import(DEMO_DISCUSSION)
    before = tree_rows()

    set_status(comment=Comment.objects.get(import_id="9001"), status=Comment.Status.HIDDEN, actor=moderator)

    assert tree_rows() == before
    assert Comment.objects.get(import_id="9001").body_html.startswith("<p>These goals are never stated")


def planner_row_estimate() -> int | None:
    """What the database's planner believes of the comments table: PostgreSQL's reltuples, SQLite's
    sqlite_stat1 row count (None before any ANALYZE)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT reltuples FROM pg_class WHERE relname = %s", [Comment._meta.db_table])
            value = cursor.fetchone()[0]
            return None if value < 0 else int(value)
        cursor.execute("SELECT name FROM sqlite_master WHERE name = 'sqlite_stat1'")
        if cursor.fetchone() is None:
            return None
        cursor.execute("SELECT stat FROM sqlite_stat1 WHERE tbl = %s LIMIT 1", [Comment._meta.db_table])
        row = cursor.fetchone()
        return None if row is None else int(row[0].split()[0])


def test_an_import_leaves_the_planner_knowing_the_new_comments():
    ArticleFactory(slug="belarus-urges-truce")

    run_import(DEMO_DISCUSSION)

    assert planner_row_estimate() == 4

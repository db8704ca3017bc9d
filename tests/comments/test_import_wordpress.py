import io
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from articles.models import Article
from forum.comments.models import Comment
from tests.comments.test_import_disqus import assert_trees_valid, shape
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

HEADER = """<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0"
\txmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
\txmlns:content="http://purl.org/rss/1.0/modules/content/"
\txmlns:wfw="http://wellformedweb.org/CommentAPI/"
\txmlns:dc="http://purl.org/dc/elements/1.1/"
\txmlns:wp="http://wordpress.org/export/1.2/"
>
<channel>
\t<title>News Example</title>
\t<link>https://news.example</link>
\t<wp:wxr_version>1.2</wp:wxr_version>
\t<wp:author><wp:author_id>1</wp:author_id><wp:author_login><![CDATA[admin]]></wp:author_login></wp:author>
"""
FOOTER = "</channel>\n</rss>\n"


def comment(
    comment_id,
    *,
    parent=0,
    content=None,
    author="",
    approved="1",
    date_gmt="2023-03-31 19:12:40",
    date="2023-03-31 22:12:40",
    kind="comment",
):
    content = f"Comment {comment_id}" if content is None else content
    author = author or f"Reader {comment_id}"
    return f"""\t\t<wp:comment>
\t\t\t<wp:comment_id>{comment_id}</wp:comment_id>
\t\t\t<wp:comment_author><![CDATA[{author}]]></wp:comment_author>
\t\t\t<wp:comment_author_email><![CDATA[reader{comment_id}@example.com]]></wp:comment_author_email>
\t\t\t<wp:comment_author_url>https://reader.example/</wp:comment_author_url>
\t\t\t<wp:comment_author_IP><![CDATA[192.0.2.1]]></wp:comment_author_IP>
\t\t\t<wp:comment_date><![CDATA[{date}]]></wp:comment_date>
\t\t\t<wp:comment_date_gmt><![CDATA[{date_gmt}]]></wp:comment_date_gmt>
\t\t\t<wp:comment_content><![CDATA[{content}]]></wp:comment_content>
\t\t\t<wp:comment_approved><![CDATA[{approved}]]></wp:comment_approved>
\t\t\t<wp:comment_type><![CDATA[{kind}]]></wp:comment_type>
\t\t\t<wp:comment_parent>{parent}</wp:comment_parent>
\t\t\t<wp:comment_user_id>0</wp:comment_user_id>
\t\t\t<wp:commentmeta>
\t\t\t\t<wp:meta_key><![CDATA[akismet_result]]></wp:meta_key>
\t\t\t\t<wp:meta_value><![CDATA[false]]></wp:meta_value>
\t\t\t</wp:commentmeta>
\t\t</wp:comment>
"""


def item(post_id, slug, *comments, title="Belarus urges truce", post_type="post"):
    return f"""\t<item>
\t\t<title>{title}</title>
\t\t<link>https://news.example/2023/03/31/{slug}/</link>
\t\t<dc:creator><![CDATA[admin]]></dc:creator>
\t\t<content:encoded><![CDATA[<p>The article itself.</p>]]></content:encoded>
\t\t<wp:post_id>{post_id}</wp:post_id>
\t\t<wp:post_date_gmt><![CDATA[2023-03-31 18:00:00]]></wp:post_date_gmt>
\t\t<wp:comment_status><![CDATA[open]]></wp:comment_status>
\t\t<wp:post_name><![CDATA[{slug}]]></wp:post_name>
\t\t<wp:status><![CDATA[publish]]></wp:status>
\t\t<wp:post_type><![CDATA[{post_type}]]></wp:post_type>
\t\t<wp:postmeta>
\t\t\t<wp:meta_key><![CDATA[_edit_last]]></wp:meta_key>
\t\t\t<wp:meta_value><![CDATA[1]]></wp:meta_value>
\t\t</wp:postmeta>
{"".join(comments)}\t</item>
"""


def wxr_file(tmp_path: Path, *items: str, name="export.wxr") -> Path:
    path = tmp_path / name
    path.write_text(HEADER + "".join(items) + FOOTER, encoding="utf-8")
    return path


def run_import(path, *args) -> str:
    out = io.StringIO()
    call_command("import_wordpress", str(path), *args, stdout=out)
    return out.getvalue()


def test_comments_nest_by_their_parent_under_the_article_of_the_post_slug(tmp_path):
    truce = ArticleFactory(slug="belarus-urges-truce")
    other = ArticleFactory(slug="grain-deal")
    path = wxr_file(
        tmp_path,
        item(12, "belarus-urges-truce", comment(101), comment(102, parent=101), comment(103, parent=102)),
        item(13, "grain-deal", comment(201), comment(202)),
    )

    output = run_import(path)

    assert shape(truce) == [("101", [("102", [("103", [])])])]
    assert shape(other) == [("201", []), ("202", [])]
    assert "Imported from WordPress: 2 threads, 5 comments" in output
    assert_trees_valid()


def test_authors_and_utc_times_are_kept(tmp_path):
    ArticleFactory(slug="belarus-urges-truce")

    run_import(wxr_file(tmp_path, item(12, "belarus-urges-truce", comment(101, author="Olena K."))))

    stored = Comment.objects.get()
    assert (stored.author, stored.author_name) == (None, "Olena K.")
    assert stored.created_at == datetime(2023, 3, 31, 19, 12, 40, tzinfo=UTC)
    assert stored.import_source == "wordpress"


def test_a_zero_gmt_date_falls_back_to_the_local_date_in_the_site_time_zone(tmp_path, settings):
    settings.TIME_ZONE = "Europe/Kyiv"
    ArticleFactory(slug="belarus-urges-truce")
    old = comment(101, date_gmt="0000-00-00 00:00:00", date="2009-06-01 15:00:00")

    run_import(wxr_file(tmp_path, item(12, "belarus-urges-truce", old)))

    assert Comment.objects.get().created_at == datetime(2009, 6, 1, 12, 0, tzinfo=UTC)


def test_approval_states_become_statuses(tmp_path):
    ArticleFactory(slug="belarus-urges-truce")
    path = wxr_file(
        tmp_path,
        item(
            12,
            "belarus-urges-truce",
            comment(101, approved="1"),
            comment(102, approved="0"),
            comment(103, approved="spam"),
            comment(104, approved="trash"),
            comment(105, approved="1", parent=104),
            comment(106, approved="trash"),
        ),
    )

    output = run_import(path)

    assert dict(Comment.objects.values_list("import_id", "status")) == {
        "101": Comment.Status.PUBLISHED,
        "102": Comment.Status.PENDING,
        "103": Comment.Status.SPAM,
        "104": Comment.Status.DELETED,
        "105": Comment.Status.PUBLISHED,
    }
    assert Comment.objects.get(import_id="104").body == ""
    assert "5 comments, 0 already there, 1 skipped" in output


def test_line_breaks_become_paragraphs_and_breaks(tmp_path):
    ArticleFactory(slug="belarus-urges-truce")
    text = 'First line\nsecond line\n\nA new paragraph with <a href="https://source.example/">a source</a>.'

    run_import(wxr_file(tmp_path, item(12, "belarus-urges-truce", comment(101, content=text))))

    stored = Comment.objects.get()
    assert stored.body_html == (
        "<p>First line<br>\nsecond line</p>\n<p>A new paragraph with "
        '<a href="https://source.example/" rel="nofollow ugc noopener noreferrer">a source</a>.</p>'
    )
    assert (
        stored.body == "First line\nsecond line\n\nA new paragraph with [a source](https://source.example/)."
    )


def test_hostile_html_in_comments_is_stripped(tmp_path):
    ArticleFactory(slug="belarus-urges-truce")
    text = (
        '<b onclick="x()">Look</b><script>document.cookie</script> <a href="javascript:alert(1)">here</a>'
        '<style>*{}</style> <a href="data:text/html,hi">there</a>'
    )

    run_import(wxr_file(tmp_path, item(12, "belarus-urges-truce", comment(101, content=text))))

    rel = 'rel="nofollow ugc noopener noreferrer"'
    assert (
        Comment.objects.get().body_html
        == f"<p><strong>Look</strong> <a {rel}>here</a> <a {rel}>there</a></p>"
    )


def test_pingbacks_and_trackbacks_are_skipped(tmp_path):
    ArticleFactory(slug="belarus-urges-truce")
    path = wxr_file(
        tmp_path,
        item(
            12,
            "belarus-urges-truce",
            comment(101),
            comment(102, kind="pingback"),
            comment(103, kind="trackback"),
        ),
    )

    output = run_import(path)

    assert list(Comment.objects.values_list("import_id", flat=True)) == ["101"]
    assert "1 comment, 0 already there, 2 skipped" in output


def test_running_the_same_file_again_changes_nothing(tmp_path):
    ArticleFactory(slug="belarus-urges-truce")
    path = wxr_file(tmp_path, item(12, "belarus-urges-truce", comment(101), comment(102, parent=101)))
    run_import(path)
    before = list(Comment.objects.order_by("pk").values())

    output = run_import(path)

    assert list(Comment.objects.order_by("pk").values()) == before
    assert "0 comments, 2 already there" in output


def test_a_reply_to_a_missing_comment_goes_to_the_top(tmp_path):
    ArticleFactory(slug="belarus-urges-truce")
    path = wxr_file(tmp_path, item(12, "belarus-urges-truce", comment(101), comment(102, parent=99)))

    output = run_import(path)

    assert shape() == [("101", []), ("102", [])]
    assert "1 re-parented" in output


def test_a_post_without_article_becomes_a_draft_and_posts_without_comments_do_not(tmp_path):
    path = wxr_file(
        tmp_path,
        item(12, "from-the-archive", comment(101), title="From the archive"),
        item(13, "about-us", post_type="page"),
    )

    run_import(path)

    draft = Article.objects.get()
    assert (draft.slug, draft.title, draft.status) == (
        "from-the-archive",
        "From the archive",
        Article.Status.DRAFT,
    )


def test_an_unknown_approval_state_names_the_line_and_stores_nothing(tmp_path):
    ArticleFactory(slug="belarus-urges-truce")
    first = comment(101)
    path = wxr_file(tmp_path, item(12, "belarus-urges-truce", first, comment(102, approved="maybe")))
    line = (HEADER + item(12, "belarus-urges-truce", first)).count("\n")  # the second comment's line

    with pytest.raises(CommandError, match=rf"line {line}: comment 102: <wp:comment_approved> 'maybe'"):
        run_import(path)

    assert not Comment.objects.exists()


def test_a_malformed_file_names_the_line_and_stores_nothing(tmp_path):
    ArticleFactory(slug="belarus-urges-truce")
    good = item(12, "belarus-urges-truce", comment(101))
    path = tmp_path / "broken.wxr"
    path.write_text(
        HEADER + good + "\t<item>\n\t\t<title>Broken & unescaped</title>\n" + FOOTER, encoding="utf-8"
    )
    line = (HEADER + good).count("\n") + 2

    with pytest.raises(
        CommandError, match=rf"line {line}, column \d+: the XML is malformed: not well-formed"
    ):
        run_import(path)

    assert not Comment.objects.exists()


def test_a_disqus_file_is_not_taken_for_a_wordpress_export(tmp_path):
    path = tmp_path / "disqus.xml"
    path.write_text('<?xml version="1.0"?>\n<disqus xmlns="http://disqus.com"/>\n', encoding="utf-8")

    with pytest.raises(CommandError, match=r"line 2: this is not a WordPress export \(WXR\)"):
        run_import(path)

import pytest
from django.contrib.auth.models import Group

from articles.models import Article
from tests.factories import ArticleFactory, EditorFactory, SectionFactory, UserFactory

ADD_URL = "/admin/articles/article/add/"


def article_form(section, **fields) -> dict:
    """The add form as a browser sends it, inline formsets included."""
    data = {
        "title": "Talks resume",
        "slug": "talks-resume",
        "section": str(section.pk),
        "standfirst": "Delegations meet again.",
        "body": "The talks resumed today.",
        "tags": "",
        "status": "published",
        "published_at_0": "",
        "published_at_1": "",
        "comments_open": "on",
        "lead_image_alt": "",
        "lead_image_caption": "",
        "lead_image_credit": "",
    }
    for prefix in ("byline_set", "corrections", "revisions"):
        data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})
    data.update(fields)
    return data


pytestmark = pytest.mark.django_db

ARTICLE_MODELS = ("article", "section", "correction", "byline")


def test_editors_group_may_manage_and_publish_articles_and_read_comments():
    codenames = set(Group.objects.get(name="Editors").permissions.values_list("codename", flat=True))

    assert codenames == {
        *(f"{verb}_{model}" for verb in ("add", "change", "delete", "view") for model in ARTICLE_MODELS),
        "publish_article",
        "view_revision",
        "view_comment",
    }


def test_writers_group_may_draft_but_not_publish():
    codenames = set(Group.objects.get(name="Writers").permissions.values_list("codename", flat=True))

    assert codenames == {
        "add_article",
        "change_article",
        "view_article",
        "view_section",
        "add_byline",
        "change_byline",
        "delete_byline",
        "view_byline",
    }


def test_moderators_group_exists():
    assert Group.objects.filter(name="Moderators").exists()


def test_editor_creates_an_article_stamped_and_signed_with_their_name(client):
    editor = EditorFactory()
    section = SectionFactory(slug="world")
    client.force_login(editor)

    response = client.post(
        ADD_URL, article_form(section, title="Talks resume", body="The talks *resumed* today.")
    )

    assert response.status_code == 302
    article = Article.objects.get(slug="talks-resume")
    assert article.author == editor
    assert list(article.authors.all()) == [editor]
    assert article.section == section
    assert article.body_html == "<p>The talks <em>resumed</em> today.</p>"


def test_an_article_needs_a_section(client):
    client.force_login(EditorFactory())
    data = article_form(SectionFactory())
    data["section"] = ""

    response = client.post(ADD_URL, data)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["section"] == ["This field is required."]
    assert not Article.objects.exists()


def test_editor_names_several_authors_in_order(client):
    editor, first, second = (
        EditorFactory(),
        EditorFactory(display_name="Ann"),
        EditorFactory(display_name="Ben"),
    )
    client.force_login(editor)
    data = article_form(SectionFactory())
    data.update(
        {
            "byline_set-TOTAL_FORMS": "2",
            "byline_set-0-author": str(second.pk),
            "byline_set-0-position": "1",
            "byline_set-1-author": str(first.pk),
            "byline_set-1-position": "0",
        }
    )

    client.post(ADD_URL, data)

    article = Article.objects.get(slug="talks-resume")
    assert [b.name for b in article.bylines] == ["Ann", "Ben"]
    assert article.byline_text == "Ann and Ben"


def test_editor_tags_an_article(client):
    client.force_login(EditorFactory())
    data = article_form(SectionFactory(), tags="Belarus, Ukraine")

    client.post(ADD_URL, data)

    article = Article.objects.get(slug="talks-resume")
    assert [(t.name, t.slug) for t in article.tag_names] == [("Belarus", "belarus"), ("Ukraine", "ukraine")]


def test_editor_sees_article_list_with_comment_counts(client):
    ArticleFactory(title="Counted", comment_count=7)
    client.force_login(EditorFactory())

    response = client.get("/admin/articles/article/")

    assert response.status_code == 200
    assert list(response.context["cl"].list_display) == [
        "action_checkbox",
        "title",
        "section",
        "status",
        "is_published",
        "published_at",
        "author",
        "comment_count",
    ]


@pytest.mark.parametrize("url", ["/admin/accounts/user/", "/admin/auth/group/"])
def test_editor_may_not_manage_accounts_or_groups(client, url):
    client.force_login(EditorFactory())

    response = client.get(url)

    assert response.status_code == 403


def test_reader_cannot_enter_the_admin(client):
    client.force_login(UserFactory())

    response = client.get("/admin/articles/article/")

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_admin_action_publishes_drafts(client):
    draft = ArticleFactory(status=Article.Status.DRAFT)
    client.force_login(EditorFactory())

    client.post("/admin/articles/article/", {"action": "publish", "_selected_action": [draft.pk]})

    draft.refresh_from_db()
    assert draft.status == Article.Status.PUBLISHED


@pytest.mark.parametrize("count,message", [(1, "1 article published."), (3, "3 articles published.")])
def test_publishing_says_how_many_in_good_grammar(client, count, message):
    drafts = ArticleFactory.create_batch(count, status=Article.Status.DRAFT)
    client.force_login(EditorFactory())

    response = client.post(
        "/admin/articles/article/",
        {"action": "publish", "_selected_action": [d.pk for d in drafts]},
        follow=True,
    )

    assert [str(m) for m in response.context["messages"]] == [message]


@pytest.mark.parametrize(
    "count,message", [(1, "1 article returned to draft."), (2, "2 articles returned to draft.")]
)
def test_unpublishing_says_how_many_in_good_grammar(client, count, message):
    articles = ArticleFactory.create_batch(count)
    client.force_login(EditorFactory())

    response = client.post(
        "/admin/articles/article/",
        {"action": "unpublish", "_selected_action": [a.pk for a in articles]},
        follow=True,
    )

    assert [str(m) for m in response.context["messages"]] == [message]
    assert set(Article.objects.values_list("status", flat=True)) == {Article.Status.DRAFT}

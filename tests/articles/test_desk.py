"""Writers draft and submit for review; editors publish, schedule and unpublish (articles/desk.py)."""

import datetime as dt

import pytest

from articles.models import Article, Revision
from tests.articles.test_admin import ADD_URL, article_form
from tests.factories import ArticleFactory, EditorFactory, SectionFactory, WriterFactory

pytestmark = pytest.mark.django_db

LIST_URL = "/admin/articles/article/"
NOW = dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.UTC)


@pytest.fixture
def writer(db):
    return WriterFactory(username="wanda")


@pytest.fixture
def now(time_machine):
    time_machine.move_to(NOW, tick=False)
    return NOW


def change_url(article) -> str:
    return f"/admin/articles/article/{article.pk}/change/"


def test_writer_is_offered_draft_and_review_but_not_publish(client, writer):
    client.force_login(writer)

    form = client.get(ADD_URL).context["adminform"].form

    assert [value for value, _ in form.fields["status"].choices] == ["draft", "review"]
    assert "published_at" not in form.fields


def test_writer_who_posts_published_gets_a_form_error_and_nothing_is_saved(client, writer):
    client.force_login(writer)

    response = client.post(ADD_URL, article_form(SectionFactory(), status="published"))

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["status"] == [
        "Select a valid choice. published is not one of the available choices."
    ]
    assert not Article.objects.exists()


def test_writer_submits_a_draft_for_review(client, writer):
    client.force_login(writer)

    client.post(ADD_URL, article_form(SectionFactory(), status="review"))

    article = Article.objects.get()
    assert (article.status, article.published_at, article.author) == ("review", None, writer)
    assert not article.is_published()


def test_writer_cannot_choose_a_publish_time(client, writer):
    client.force_login(writer)

    client.post(
        ADD_URL,
        article_form(SectionFactory(), status="draft", published_at_0="2030-01-01", published_at_1="09:00"),
    )

    assert Article.objects.get().published_at is None


def test_writer_has_no_publish_action(client, writer):
    draft = ArticleFactory(status=Article.Status.REVIEW)
    client.force_login(writer)

    changelist = client.get(LIST_URL).content.decode()
    client.post(LIST_URL, {"action": "publish", "_selected_action": [draft.pk]})

    assert 'value="publish"' not in changelist
    draft.refresh_from_db()
    assert draft.status == Article.Status.REVIEW


def test_writer_cannot_change_a_published_article(client, writer):
    article = ArticleFactory(title="Live", author=writer)
    client.force_login(writer)
    data = article_form(article.section, title="Changed", slug=article.slug, status="draft")

    response = client.post(change_url(article), data)

    assert response.status_code == 403
    article.refresh_from_db()
    assert (article.title, article.status) == ("Live", Article.Status.PUBLISHED)


def test_writer_previews_their_draft_as_readers_will_see_it(client, writer):
    draft = ArticleFactory(status=Article.Status.REVIEW, author=writer, title="Under review")
    client.force_login(writer)

    html = client.get(draft.get_absolute_url()).content.decode()

    assert "Preview: this article is waiting for an editor’s review and is not public." in html
    assert "<h1>Under review</h1>" in html


def test_publishing_a_draft_stamps_the_moment_of_publishing(client, now):
    client.force_login(EditorFactory())

    # The time the form was opened, an hour ago, is not kept.
    client.post(
        ADD_URL, article_form(SectionFactory(), published_at_0="2026-03-01", published_at_1="11:00:00")
    )

    assert Article.objects.get().published_at == now


def test_publishing_with_an_empty_time_stamps_now(client, now):
    client.force_login(EditorFactory())

    client.post(ADD_URL, article_form(SectionFactory()))

    assert Article.objects.get().published_at == now


def test_a_future_time_schedules_the_article(client, now):
    client.force_login(EditorFactory())

    client.post(
        ADD_URL, article_form(SectionFactory(), published_at_0="2026-03-02", published_at_1="08:00:00")
    )

    article = Article.objects.get()
    assert article.published_at == dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.UTC)
    assert article.is_scheduled()


def test_the_publish_action_stamps_now_but_keeps_a_future_time(client, now):
    old_draft = ArticleFactory(status=Article.Status.DRAFT, published_at=now - dt.timedelta(days=9))
    scheduled = ArticleFactory(status=Article.Status.DRAFT, published_at=now + dt.timedelta(days=1))
    client.force_login(EditorFactory())

    client.post(LIST_URL, {"action": "publish", "_selected_action": [old_draft.pk, scheduled.pk]})

    old_draft.refresh_from_db()
    scheduled.refresh_from_db()
    assert (old_draft.published_at, old_draft.is_published()) == (now, True)
    assert (scheduled.published_at, scheduled.is_scheduled()) == (now + dt.timedelta(days=1), True)


def test_the_publish_action_leaves_published_articles_alone(client, now):
    published = ArticleFactory(published_at=now - dt.timedelta(days=3))
    client.force_login(EditorFactory())

    response = client.post(LIST_URL, {"action": "publish", "_selected_action": [published.pk]}, follow=True)

    published.refresh_from_db()
    assert published.published_at == now - dt.timedelta(days=3)
    assert [str(m) for m in response.context["messages"]] == ["0 articles published."]


def test_editing_a_published_body_keeps_the_old_text_and_shows_updated(client, now):
    article = ArticleFactory(body="Old text.", published_at=now - dt.timedelta(hours=5))
    editor = EditorFactory()
    client.force_login(editor)
    data = article_form(
        article.section,
        title=article.title,
        slug=article.slug,
        body="New text.",
        published_at_0="2026-03-01",
        published_at_1="07:00:00",
    )

    response = client.post(change_url(article), data)

    assert response.status_code == 302
    article.refresh_from_db()
    assert article.body_updated_at == now
    assert list(Revision.objects.values_list("body", "saved_by")) == [("Old text.", editor.pk)]
    html = client.get(article.get_absolute_url()).content.decode()
    assert 'Updated <time datetime="2026-03-01T12:00:00+00:00">' in html


def test_editing_a_draft_keeps_no_history(client, now):
    draft = ArticleFactory(status=Article.Status.DRAFT, body="Old text.")
    client.force_login(EditorFactory())
    data = article_form(draft.section, title=draft.title, slug=draft.slug, body="New.", status="draft")

    client.post(change_url(draft), data)

    draft.refresh_from_db()
    assert (draft.body, draft.body_updated_at, Revision.objects.count()) == ("New.", None, 0)

"""Notification e-mails, digests and unsubscribe pages speak the recipient's language, whatever language the
reader who caused them was using."""

from urllib.parse import urlsplit

import pytest
from django.test import Client

from forum.comments.models import Comment
from forum.notifications import following
from forum.notifications.tasks import send_digests
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def olena(db):
    return UserFactory(username="olena", display_name="Олена", language="uk")


def reply_through_the_site(browser_language, author, parent, on_commit):
    browser = Client(headers={"accept-language": browser_language})
    browser.force_login(author)
    with on_commit(execute=True):
        response = browser.post(
            f"/articles/{parent.article.slug}/comments/", {"body": "I doubt it.", "parent": parent.pk}
        )
    assert response.status_code == 302
    return response


def test_ukrainian_reader_is_told_in_ukrainian_of_an_english_readers_reply(
    post, mailbox, article, olena, other_reader, django_capture_on_commit_callbacks
):
    parent = post(article, olena, "Перемир’я протримається.")
    other_reader.language = "en"
    other_reader.save(update_fields=["language"])

    reply_through_the_site("en-GB,en", other_reader, parent, django_capture_on_commit_callbacks)

    [message] = mailbox
    reply = Comment.objects.get(parent=parent)
    assert message.to == [olena.email]
    assert message.subject == "[Tribune] Bob: відповідь на ваш коментар до «Belarus urges truce»"
    assert message.body.startswith("Вітаємо, Олена!\n")
    assert "Bob:\n> I doubt it." in message.body
    assert f"Читати на сайті: http://127.0.0.1:8000/articles/belarus-urges-truce/comments/{reply.pk}/" in (
        message.body
    )
    html, _mimetype = message.alternatives[0]
    assert '<html lang="uk">' in html
    assert "Більше не надсилати таких листів" in html


def test_english_reader_is_told_in_english_of_a_ukrainian_readers_reply(
    post, mailbox, article, reader, olena, django_capture_on_commit_callbacks
):
    parent = post(article, reader, "The truce will hold.")

    reply_through_the_site("uk-UA,uk", olena, parent, django_capture_on_commit_callbacks)

    [message] = mailbox
    assert message.to == [reader.email]
    assert message.subject == "[Tribune] Олена replied to your comment on “Belarus urges truce”"
    assert '<html lang="en">' in message.alternatives[0][0]


def test_digest_is_written_in_the_recipients_language(
    mailbox, post, article, reader, other_reader, olena, django_capture_on_commit_callbacks
):
    following.set_following_article(olena, article, True)
    post(article, reader, "The truce will hold.")
    post(article, other_reader, "Neither side has signed.")

    with django_capture_on_commit_callbacks(execute=True):
        send_digests.apply().get()

    [message] = [m for m in mailbox if m.to == [olena.email]]
    assert message.subject == "[Tribune] Ваш щоденний дайджест: 2 сповіщення"
    assert "Alice: новий коментар до «Belarus urges truce»" in message.body
    assert "Ось що сталося від попереднього дайджесту." in message.body


def test_unsubscribe_page_answers_in_the_readers_language_in_any_browser(
    post, mailbox, article, olena, other_reader
):
    parent = post(article, olena, "Перемир’я протримається.")
    post(article, other_reader, "I doubt it.", parent=parent)
    link = urlsplit(mailbox[0].extra_headers["List-Unsubscribe"].strip("<>")).path
    english_browser = Client(headers={"accept-language": "en"})

    response = english_browser.get(link)

    html = response.content.decode()
    assert '<html lang="uk">' in html
    assert '<h1 class="page-title">Відписатися</h1>' in html
    assert "<li>Відповіді на мої коментарі</li>" in html
    assert response["Content-Language"] == "uk"


def test_unsubscribe_page_follows_the_browser_when_the_reader_chose_no_language(
    post, mailbox, article, reader, other_reader
):
    parent = post(article, reader, "The truce will hold.")
    post(article, other_reader, "I doubt it.", parent=parent)
    link = urlsplit(mailbox[0].extra_headers["List-Unsubscribe"].strip("<>")).path

    response = Client(headers={"accept-language": "uk"}).get(link)

    assert '<h1 class="page-title">Відписатися</h1>' in response.content.decode()


def test_a_hiding_reason_reaches_the_author_in_the_authors_language_not_the_moderators(
    post, mailbox, article, olena, moderator, django_capture_on_commit_callbacks
):
    from django.utils import translation

    from forum.moderation import services
    from forum.notifications.models import Kind, Notification

    comment = post(article, olena, "Перемир’я протримається.")

    with (
        translation.override("en"),
        django_capture_on_commit_callbacks(execute=True),
    ):  # the moderator's English
        services.hide(comment=comment, actor=moderator, reason="off_topic")

    notification = Notification.objects.get(recipient=olena, kind=Kind.HIDDEN)
    assert notification.reason == "Off-topic"  # stored as the English source, translated when shown
    [message] = [m for m in mailbox if m.to == [olena.email]]
    assert "Причина: Не на тему" in message.body
    browser = Client(headers={"accept-language": "uk"})
    browser.force_login(olena)
    assert (
        '<p class="notification-reason">Причина: Не на тему</p>'
        in browser.get("/notifications/").content.decode()
    )

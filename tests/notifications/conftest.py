import pytest

from forum.comments import posting


@pytest.fixture
def post(django_capture_on_commit_callbacks, settings):
    """Post through forum.comments.posting and run what the commit enqueues (eagerly, as embedded mode)."""
    settings.CELERY_TASK_ALWAYS_EAGER = True

    def post_comment(article, author, body, parent=None, context=None):
        with django_capture_on_commit_callbacks(execute=True):
            return posting.post_comment(
                article=article, author=author, body=body, parent=parent, context=context
            )

    return post_comment


@pytest.fixture
def smtp(settings):
    """A real SMTP server on 127.0.0.1, and the site sending through it."""
    from tests.smtp import SMTPServer

    server = SMTPServer().start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = server.port
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 5
    yield server
    server.stop()


@pytest.fixture
def premoderation(settings):
    """Hold every new comment for review, as a site's pre-moderation rule would (a status policy)."""

    def start():
        settings.COMMENTS_STATUS_POLICIES = ["tests.policies.hold_everything"]

    return start


@pytest.fixture
def post_and_fan_out(django_capture_on_commit_callbacks):
    """Post, and run only the notification fan-out: the e-mail tasks it enqueues are left in the "queue"
    (their enqueueing waits for a commit that never comes in a test transaction)."""
    from forum.notifications.models import NotificationJob
    from forum.notifications.tasks import fan_out

    def post_comment(article, author, body, parent=None):
        with django_capture_on_commit_callbacks(execute=False):
            comment = posting.post_comment(article=article, author=author, body=body, parent=parent)
        for job in NotificationJob.objects.filter(comment=comment):
            fan_out.apply(args=(job.pk,))
        return comment

    return post_comment

import pytest

from forum.comments.models import Comment
from forum.lib.outbox import State
from forum.spam.models import BlockedTerm, SpamCheck
from tests.factories import CommentFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client_(client):
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    return client


def test_staff_add_a_blocked_domain_in_the_admin(admin_client_):
    response = admin_client_.post(
        "/admin/spam/blockedterm/add/", {"kind": "domain", "value": "Pills.Example", "note": "pharmacy spam"}
    )

    assert response.status_code == 302
    assert list(BlockedTerm.objects.values_list("kind", "value")) == [("domain", "pills.example")]


@pytest.mark.parametrize(
    "path",
    [
        "/admin/spam/spamcheck/",
        "/admin/spam/training/",
        "/admin/spam/tokenstat/",
        "/admin/spam/blockedterm/",
        "/admin/spam/corpus/",
    ],
)
def test_admin_lists_open(admin_client_, path):
    assert admin_client_.get(path).status_code == 200


def test_failed_rows_are_listed_with_their_error(admin_client_):
    SpamCheck.objects.create(
        comment=CommentFactory(), key="k1", state=State.FAILED, last_error="Boom: broken"
    )

    response = admin_client_.get("/admin/spam/spamcheck/?state__exact=failed")

    assert "Boom: broken" in response.content.decode()


def test_staff_run_failed_rows_again(admin_client_):
    comment = CommentFactory()
    check = SpamCheck.objects.create(comment=comment, key="k1", state=State.FAILED, last_error="Boom")

    response = admin_client_.post(
        "/admin/spam/spamcheck/", {"action": "retry", "_selected_action": [check.pk]}
    )

    check.refresh_from_db()
    assert response.status_code == 302
    assert (check.state, check.verdict) == (State.DONE, "publish")
    assert Comment.objects.get(pk=comment.pk).spam_score is not None


def test_staff_without_change_permission_cannot_retry(client):
    from django.contrib.auth.models import Permission

    viewer = UserFactory(username="viewer", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_spamcheck"))
    client.force_login(viewer)
    check = SpamCheck.objects.create(comment=CommentFactory(), key="k1", state=State.FAILED)

    client.post("/admin/spam/spamcheck/", {"action": "retry", "_selected_action": [check.pk]})

    assert SpamCheck.objects.get(pk=check.pk).state == State.FAILED

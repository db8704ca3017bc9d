import pytest

from forum.lib.outbox import State
from forum.notifications.models import EmailDelivery, Kind, Notification
from tests.factories import CommentFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    return client


@pytest.mark.parametrize(
    "path",
    [
        "/admin/notifications/notification/",
        "/admin/notifications/notificationjob/",
        "/admin/notifications/emaildelivery/",
        "/admin/notifications/digest/",
        "/admin/notifications/subscription/",
        "/admin/notifications/preference/",
    ],
)
def test_admin_lists_open(staff_client, path):
    assert staff_client.get(path).status_code == 200


def test_failed_email_is_visible_to_staff_with_its_error(staff_client, reader):
    notification = Notification.objects.create(recipient=reader, kind=Kind.REPLY, comment=CommentFactory())
    EmailDelivery.objects.create(
        notification=notification,
        state=State.FAILED,
        attempts=7,
        last_error="Transient: ConnectionRefusedError",
    )

    response = staff_client.get("/admin/notifications/emaildelivery/?state__exact=failed")

    assert "Transient: ConnectionRefusedError" in response.content.decode()

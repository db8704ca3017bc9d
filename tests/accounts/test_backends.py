import pytest
from django.contrib.auth.models import Permission

from tests.factories import ModeratorFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_group_and_own_permissions_come_in_one_query(django_assert_num_queries):
    user = ModeratorFactory()
    user.user_permissions.add(Permission.objects.get(codename="view_article"))
    user = type(user).objects.get(pk=user.pk)

    with django_assert_num_queries(1):
        perms = user.get_all_permissions()

    assert {"comments.moderate_comment", "articles.view_article"} <= perms
    assert user.has_perm("comments.moderate_comment")


def test_reader_has_no_moderation_permission():
    assert not UserFactory().has_perm("comments.moderate_comment")


def test_inactive_user_has_no_permissions():
    user = ModeratorFactory(is_active=False)

    assert user.get_all_permissions() == set()

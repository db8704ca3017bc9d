"""Permission sets in the shared cache (forum/accounts/permissions.py): no query once warm, and every change
to anyone's permissions seen at once by the next request in this process and by any other process. All a
process keeps of permissions is the shared cache and a user instance's `_perm_cache`, so another process is a
fresh user object, or the same instance without its `_perm_cache`."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.management.sql import emit_post_migrate_signal
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from forum.accounts.models import User
from tests.factories import CommentFactory, UserFactory

pytestmark = pytest.mark.django_db

MODERATE = "comments.moderate_comment"
DOWN = {
    "default": {
        "BACKEND": "forum.lib.cache.FailSafeRedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",
        "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
    }
}


def fresh(user: User) -> User:
    return User.objects.get(pk=user.pk)


def forgetting(user: User) -> User:
    user.__dict__.pop("_perm_cache", None)
    return user


@pytest.fixture
def moderators() -> Group:
    return Group.objects.get(name="Moderators")


@pytest.fixture(params=["next request", "another process", "same instance"])
def moderates(request, client):
    """Whether the user may moderate, as the next request of their session finds (the queue answers), as
    another process finds, or as this process finds again with the instance it holds."""
    logged_in: set[int] = set()

    def next_request(user: User) -> bool:
        if user.pk not in logged_in:
            client.force_login(user)
            logged_in.add(user.pk)
        return client.get(reverse("moderation:queue")).status_code == 200

    ways = {
        "next request": next_request,
        "another process": lambda user: fresh(user).has_perm(MODERATE),
        "same instance": lambda user: forgetting(user).has_perm(MODERATE),
    }
    return ways[request.param]


@pytest.fixture(params=["another process", "same instance"])
def all_permissions(request):
    """The user's whole set (has_perm answers an active superuser without it), as for `moderates`."""
    if request.param == "another process":
        return lambda user: fresh(user).get_all_permissions()
    return lambda user: forgetting(user).get_all_permissions()


# -- warm ----------------------------------------------------------------------------------------------------
def test_warm_permissions_cost_no_query(moderator, django_assert_num_queries):
    fresh(moderator).get_all_permissions()
    user = fresh(moderator)

    with django_assert_num_queries(0):
        perms = user.get_all_permissions()

    assert MODERATE in perms


def test_a_reader_without_permissions_is_warm_too(reader, django_assert_num_queries):
    fresh(reader).get_all_permissions()
    user = fresh(reader)

    with django_assert_num_queries(0):
        assert not user.has_perm(MODERATE)


def test_a_logged_in_page_reads_no_permission_once_warm(client, article, reader, moderator):
    CommentFactory(article=article, author=reader)
    client.force_login(moderator)
    client.get(article.get_absolute_url())

    with CaptureQueriesContext(connection) as queries:
        html = client.get(article.get_absolute_url()).content.decode()

    assert [q["sql"] for q in queries if "auth_permission" in q["sql"]] == []
    # user, article, the suspension with the close-after override, follows, unread count
    # (docs/architecture.md); the session and the page are warm too
    assert len(queries) == 5
    assert ">Hide<" in html


def test_a_log_in_keeps_the_cached_permissions(client, moderator, django_assert_num_queries):
    fresh(moderator).get_all_permissions()
    client.force_login(moderator)  # saves last_login
    user = fresh(moderator)

    with django_assert_num_queries(0):
        user.get_all_permissions()


# -- every change shows at once ------------------------------------------------------------------------------
def test_joining_the_moderators_shows_at_once(reader, moderators, moderates):
    assert not moderates(reader)

    reader.groups.add(moderators)

    assert moderates(reader)


def test_joining_from_the_groups_side_shows_at_once(reader, moderators, moderates):
    assert not moderates(reader)

    moderators.user_set.add(reader)

    assert moderates(reader)


@pytest.mark.parametrize("leave", ["remove", "clear"])
def test_leaving_the_moderators_shows_at_once(moderator, moderators, moderates, leave):
    assert moderates(moderator)

    if leave == "remove":
        moderator.groups.remove(moderators)
    else:
        moderator.groups.clear()

    assert not moderates(moderator)


def test_a_group_losing_the_permission_shows_at_once(moderator, moderators, moderates):
    assert moderates(moderator)

    moderators.permissions.remove(Permission.objects.get(codename="moderate_comment"))

    assert not moderates(moderator)


def test_a_permission_given_to_the_user_shows_at_once(reader, moderates):
    assert not moderates(reader)

    reader.user_permissions.add(Permission.objects.get(codename="moderate_comment"))

    assert moderates(reader)


def test_deleting_the_group_shows_at_once(moderator, moderators, moderates):
    assert moderates(moderator)

    moderators.delete()

    assert not moderates(moderator)


def test_renaming_a_permission_shows_at_once(moderator, all_permissions):
    assert MODERATE in all_permissions(moderator)
    permission = Permission.objects.get(codename="moderate_comment")

    permission.codename = "moderate_comments"
    permission.save()

    assert "comments.moderate_comments" in all_permissions(moderator)
    assert MODERATE not in all_permissions(moderator)


def test_deactivating_shows_at_once(moderator, moderates):
    assert moderates(moderator)

    moderator.is_active = False
    moderator.save(update_fields=["is_active"])

    assert not moderates(moderator)


def test_becoming_superuser_shows_at_once(reader, all_permissions):
    assert "articles.publish_article" not in all_permissions(reader)

    reader.is_superuser = True
    reader.save(update_fields=["is_superuser"])

    assert {"articles.publish_article", MODERATE} <= all_permissions(reader)


def test_a_superuser_made_by_an_update_shows_at_once(reader):
    """No signal is sent: the flag is part of the key."""
    assert not fresh(reader).get_all_permissions()

    User.objects.filter(pk=reader.pk).update(is_superuser=True)

    assert MODERATE in fresh(reader).get_all_permissions()


def test_a_deleted_accounts_set_is_not_read_for_a_new_account_with_its_id(moderator):
    pk = moderator.pk
    assert fresh(moderator).has_perm(MODERATE)

    moderator.delete()
    newcomer = UserFactory(pk=pk)

    assert not fresh(newcomer).has_perm(MODERATE)


def test_permissions_added_by_a_migration_show_at_once(reader):
    """create_permissions adds them in bulk, without post_save."""
    User.objects.filter(pk=reader.pk).update(is_superuser=True)
    assert "accounts.audit_user" not in fresh(reader).get_all_permissions()
    content_type = ContentType.objects.get_for_model(User)
    Permission.objects.bulk_create(
        [Permission(codename="audit_user", name="Can audit", content_type=content_type)]
    )

    emit_post_migrate_signal(verbosity=0, interactive=False, db="default")

    assert "accounts.audit_user" in fresh(reader).get_all_permissions()


def test_a_set_read_before_the_commit_is_not_read_after_it(
    reader, moderators, django_capture_on_commit_callbacks, django_assert_num_queries
):
    with django_capture_on_commit_callbacks(execute=True):
        reader.groups.add(moderators)
        # Another process reading now sees the rows before the commit, and caches what it read.
        fresh(reader).get_all_permissions()
    user = fresh(reader)

    with django_assert_num_queries(1):
        user.get_all_permissions()


# -- the cache down ------------------------------------------------------------------------------------------
def test_with_the_cache_down_permissions_cost_one_query_each_time(
    settings, moderator, django_assert_num_queries
):
    settings.CACHES = DOWN
    first, second = fresh(moderator), fresh(moderator)

    with django_assert_num_queries(1):
        assert first.has_perm(MODERATE)
    with django_assert_num_queries(1):
        assert second.has_perm(MODERATE)


def test_with_the_cache_down_changes_show_at_once(settings, reader, moderators, moderates):
    settings.CACHES = DOWN
    assert not moderates(reader)

    reader.groups.add(moderators)

    assert moderates(reader)


def test_a_change_made_while_the_cache_was_down_shows_when_it_is_back(settings, moderator, moderators):
    assert fresh(moderator).has_perm(MODERATE)
    up = settings.CACHES
    settings.CACHES = DOWN
    moderator.groups.remove(moderators)  # the bump is dropped

    settings.CACHES = up

    assert not fresh(moderator).has_perm(MODERATE)

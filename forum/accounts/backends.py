from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission
from django.db.models import Q

from forum.accounts.permissions import cached_permissions


class SingleQueryModelBackend(ModelBackend):
    """Django's ModelBackend, reading a user's own and group permissions in one query instead of two, and
    keeping them in the shared cache (forum/accounts/permissions.py), so that once warm no query is spent.

    Every page that asks "may this reader moderate?" pays for it, and the article page keeps within its
    query budget (docs/architecture.md: at most 10)."""

    def get_all_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            user_obj._perm_cache = cached_permissions(user_obj, lambda: self._load_permissions(user_obj))
        return user_obj._perm_cache

    @staticmethod
    def _load_permissions(user_obj) -> set[str]:
        if user_obj.is_superuser:
            perms = Permission.objects.all()
        else:
            perms = Permission.objects.filter(Q(user=user_obj) | Q(group__user=user_obj))
        return {
            f"{app_label}.{codename}"
            for app_label, codename in perms.values_list("content_type__app_label", "codename").distinct()
        }

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission
from django.db.models import Q


class SingleQueryModelBackend(ModelBackend):
    """Django's ModelBackend, reading a user's own and group permissions in one query instead of two.

    Every page that asks "may this reader moderate?" pays for it, and the article page keeps within its
    query budget (docs/architecture.md: at most 10)."""

    def get_all_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            if user_obj.is_superuser:
                perms = Permission.objects.all()
            else:
                perms = Permission.objects.filter(Q(user=user_obj) | Q(group__user=user_obj))
            user_obj._perm_cache = {
                f"{app_label}.{codename}"
                for app_label, codename in perms.values_list("content_type__app_label", "codename").distinct()
            }
        return user_obj._perm_cache

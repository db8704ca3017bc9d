"""What changes anyone's permissions (connected in AccountsConfig.ready): each bumps the permissions version
(forum/accounts/permissions.py), so that every process reads the permission sets again. A user's own flags
need no receiver (permissions.py says why)."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save
from django.dispatch import receiver

from forum.accounts.permissions import permissions_changed

User = get_user_model()


@receiver(m2m_changed, sender=User.groups.through, dispatch_uid="accounts-user-groups-changed")
@receiver(m2m_changed, sender=User.user_permissions.through, dispatch_uid="accounts-user-permissions-changed")
@receiver(m2m_changed, sender=Group.permissions.through, dispatch_uid="accounts-group-permissions-changed")
def membership_changed(sender, action: str, pk_set: set[int] | None = None, **kwargs) -> None:
    """Either side of the relation: `user.groups.add(group)` and `group.user_set.add(user)` alike."""
    if action == "post_clear" or (action in ("post_add", "post_remove") and pk_set):
        permissions_changed()


@receiver(post_save, sender=Group, dispatch_uid="accounts-group-saved")
@receiver(post_delete, sender=Group, dispatch_uid="accounts-group-deleted")
@receiver(post_save, sender=Permission, dispatch_uid="accounts-permission-saved")
@receiver(post_delete, sender=Permission, dispatch_uid="accounts-permission-deleted")
@receiver(post_delete, sender=User, dispatch_uid="accounts-user-deleted")
def permissions_row_changed(sender, **kwargs) -> None:
    """A group or permission renamed or deleted (deleting one drops its memberships without an m2m signal),
    and a deleted account, so that nothing cached under its id is read again."""
    permissions_changed()


@receiver(post_migrate, dispatch_uid="accounts-migrated")
def migrated(sender, **kwargs) -> None:
    """Migrations add permissions in bulk (auth's create_permissions) and change groups through historical
    models: neither sends the signals above."""
    permissions_changed()

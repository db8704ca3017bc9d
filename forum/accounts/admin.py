from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.utils.translation import gettext_lazy as _

from forum.accounts.models import User
from forum.accounts.names import check_name


class NameChecks:
    """Staff choosing a reader's names get the same refusals as the reader (forum/accounts/names.py)."""

    def clean_username(self) -> str:
        parent = getattr(super(), "clean_username", None)
        username = parent() if parent is not None else self.cleaned_data["username"]
        check_name(username, exclude_user_id=self.instance.pk)
        return username

    def clean_display_name(self) -> str:
        display_name = self.cleaned_data.get("display_name", "").strip()
        check_name(display_name, exclude_user_id=self.instance.pk)
        return display_name


class UserChangeFormWithNameChecks(NameChecks, UserChangeForm):
    pass


class UserCreationFormWithNameChecks(NameChecks, AdminUserCreationForm):
    pass


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = UserChangeFormWithNameChecks
    add_form = UserCreationFormWithNameChecks
    fieldsets = (*DjangoUserAdmin.fieldsets, (_("Profile"), {"fields": ("display_name",)}))
    list_display = ("username", "display_name", "email", "is_staff", "date_joined")
    search_fields = ("username", "display_name", "email")

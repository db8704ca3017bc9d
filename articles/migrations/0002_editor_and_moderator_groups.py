from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITOR_PERMISSIONS = ["add_article", "change_article", "delete_article", "view_article"]


def create_groups(apps, schema_editor):
    # Permissions are normally created after all migrations; make sure the article ones exist now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    editors, _ = Group.objects.get_or_create(name="Editors")
    editors.permissions.add(
        *Permission.objects.filter(content_type__app_label="articles", codename__in=EDITOR_PERMISSIONS)
    )
    # The moderators' comment permissions are added by the comments app's own migrations.
    Group.objects.get_or_create(name="Moderators")


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=["Editors", "Moderators"]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]

from django.contrib.auth.management import create_permissions
from django.db import migrations

# Moderators read the moderation records in the admin; they change them only through the queue.
MODERATOR_PERMISSIONS = ["view_moderationaction", "view_report", "view_suspension", "view_appeal"]

# On PostgreSQL the log refuses UPDATE and DELETE below the application too. (TRUNCATE, used by test
# database flushes, is not a row operation and stays possible for whoever owns the database.)
APPEND_ONLY_SQL = """
CREATE OR REPLACE FUNCTION moderation_log_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION USING MESSAGE = 'moderation_moderationaction is append-only: ' || TG_OP || ' refused';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER moderation_log_append_only
    BEFORE UPDATE OR DELETE ON moderation_moderationaction
    FOR EACH ROW EXECUTE FUNCTION moderation_log_append_only();
"""
DROP_SQL = """
DROP TRIGGER IF EXISTS moderation_log_append_only ON moderation_moderationaction;
DROP FUNCTION IF EXISTS moderation_log_append_only();
"""


def grant(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    moderators, _ = Group.objects.get_or_create(name="Moderators")
    moderators.permissions.add(
        *Permission.objects.filter(content_type__app_label="moderation", codename__in=MODERATOR_PERMISSIONS)
    )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    perms = Permission.objects.filter(content_type__app_label="moderation")
    for group in Group.objects.filter(name="Moderators"):
        group.permissions.remove(*perms)


def add_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(APPEND_ONLY_SQL)


def drop_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_SQL)


class Migration(migrations.Migration):
    dependencies = [
        ("moderation", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        migrations.RunPython(grant, revoke),
        migrations.RunPython(add_trigger, drop_trigger),
    ]

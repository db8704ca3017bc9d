from django.db import migrations

# The moderation log stays append-only, with one exception: when a reader deletes their account, the entries
# keep everything but their username (actor_name, target_name become "[deleted account]") and the text of
# their own appeals (note becomes empty). ModerationActionQuerySet.forget_names makes that change.
APPEND_ONLY_SQL = """
CREATE OR REPLACE FUNCTION moderation_log_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE'
        AND (to_jsonb(NEW) - 'actor_name' - 'target_name' - 'note')
            = (to_jsonb(OLD) - 'actor_name' - 'target_name' - 'note')
        AND NEW.actor_name IN (OLD.actor_name, '[deleted account]')
        AND NEW.target_name IN (OLD.target_name, '[deleted account]')
        AND NEW.note IN (OLD.note, '')
    THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION USING MESSAGE = 'moderation_moderationaction is append-only: ' || TG_OP || ' refused';
END;
$$ LANGUAGE plpgsql;
"""
STRICT_SQL = """
CREATE OR REPLACE FUNCTION moderation_log_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION USING MESSAGE = 'moderation_moderationaction is append-only: ' || TG_OP || ' refused';
END;
$$ LANGUAGE plpgsql;
"""


def allow_forgetting(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(APPEND_ONLY_SQL)


def strict(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(STRICT_SQL)


class Migration(migrations.Migration):
    dependencies = [("moderation", "0002_moderators_and_append_only_log")]

    operations = [migrations.RunPython(allow_forgetting, strict)]

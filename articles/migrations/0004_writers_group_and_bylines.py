from django.contrib.auth.management import create_permissions
from django.db import migrations

BYLINE_PERMISSIONS = ["add_byline", "change_byline", "delete_byline", "view_byline"]
EDITOR_PERMISSIONS = [
    "publish_article",
    "view_revision",
    *BYLINE_PERMISSIONS,
    *(f"{verb}_{model}" for verb in ("add", "change", "delete", "view") for model in ("section", "correction")),
]
# Writers draft and submit for review; only publish_article lets an account publish, schedule or unpublish.
WRITER_PERMISSIONS = ["add_article", "change_article", "view_article", "view_section", *BYLINE_PERMISSIONS]


def create_groups(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    articles_permissions = Permission.objects.filter(content_type__app_label="articles")
    editors, _ = Group.objects.get_or_create(name="Editors")
    editors.permissions.add(*articles_permissions.filter(codename__in=EDITOR_PERMISSIONS))
    writers, _ = Group.objects.get_or_create(name="Writers")
    writers.permissions.add(*articles_permissions.filter(codename__in=WRITER_PERMISSIONS))


def remove_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.filter(name="Writers").delete()
    editors = Group.objects.filter(name="Editors").first()
    if editors:
        editors.permissions.remove(*editors.permissions.filter(codename__in=EDITOR_PERMISSIONS))


def bylines_from_creators(apps, schema_editor):
    """Articles older than bylines name the account that created them."""
    Article = apps.get_model("articles", "Article")
    Byline = apps.get_model("articles", "Byline")
    Byline.objects.bulk_create(
        Byline(article_id=pk, author_id=author_id)
        for pk, author_id in Article.objects.filter(author__isnull=False).values_list("pk", "author_id")
    )


class Migration(migrations.Migration):
    dependencies = [("articles", "0003_editorial_desk")]

    operations = [
        migrations.RunPython(create_groups, remove_groups),
        migrations.RunPython(bylines_from_creators, migrations.RunPython.noop),
    ]

from django.apps import AppConfig


class BlogConfig(AppConfig):
    name = "bench.xtd.blog"
    label = "blog"
    default_auto_field = "django.db.models.AutoField"

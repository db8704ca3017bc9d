from django.db import models
from django.urls import reverse


class Article(models.Model):
    """The commented object (no migrations: the benchmark creates its table with migrate --run-syncdb)."""

    title = models.CharField(max_length=200)
    slug = models.SlugField(unique=True)
    body = models.TextField()

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("article-detail", kwargs={"slug": self.slug})

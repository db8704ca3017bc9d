import os
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from articles.models import Article
from forum.comments.exporters import FORMATS, export_comments


class Command(BaseCommand):
    help = (
        "Export comments in the Disqus format (which import_disqus reads back) or as JSON "
        "(see docs/migrating.md), every status included."
    )

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=FORMATS, required=True)
        parser.add_argument("--article", metavar="SLUG", help="only this article's comments")
        parser.add_argument("--output", metavar="FILE", help="write here instead of the standard output")
        parser.add_argument(
            "--base-url",
            default="",
            metavar="URL",
            help="put before article paths in links, e.g. https://news.example (default: paths only)",
        )

    def handle(self, *args, **options):
        articles = None
        if options["article"]:
            articles = Article.objects.filter(slug=options["article"])
            if not articles.exists():
                raise CommandError(f"no article has the slug {options['article']!r}")
        export = {"format": options["format"], "articles": articles, "base_url": options["base_url"]}

        if not options["output"]:
            report = export_comments(_Unwrapped(self.stdout), **export)
            self.stderr.write(f"Exported {describe(report)}.")
            return
        path = Path(options["output"])
        partial = path.with_name(path.name + ".part")
        try:
            with partial.open("w", encoding="utf-8", newline="\n") as out:
                report = export_comments(out, **export)
            os.replace(partial, path)
        except OSError as exc:
            partial.unlink(missing_ok=True)
            raise CommandError(f"{path}: cannot write the file: {exc.strerror or exc}") from None
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
        self.stdout.write(f"Exported {describe(report)} to {path}.")


class _Unwrapped:
    """Django's OutputWrapper adds a line ending to every write; the exporters write pieces of lines."""

    def __init__(self, wrapper):
        self.wrapper = wrapper

    def write(self, text: str) -> None:
        self.wrapper.write(text, ending="")


def describe(report) -> str:
    comments = f"{report.comments:,} comment{'s' if report.comments != 1 else ''}"
    return f"{comments} of {report.articles:,} article{'s' if report.articles != 1 else ''}"

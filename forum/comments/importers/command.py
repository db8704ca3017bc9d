"""What `import_disqus` and `import_wordpress` share: arguments, progress on a terminal, the summary."""

from __future__ import annotations

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from articles.models import Article
from forum.comments.importers.base import ImportFailed, Reader
from forum.comments.importers.bulk import ImportReport, import_file

DRAFTS_LISTED = 20


class ImportCommand(BaseCommand):
    reader_class: type[Reader]

    def add_arguments(self, parser):
        parser.add_argument("file", help=f"the {self.reader_class.label} export (XML)")
        parser.add_argument(
            "--article",
            metavar="SLUG",
            help="put the comments of a single-thread file under this article, whatever the file says",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="read and check everything, report, and store nothing"
        )
        parser.add_argument(
            "--source",
            default=self.reader_class.source,
            help=f"the name stored with each comment for idempotent re-runs (default: "
            f"{self.reader_class.source}); give two sites whose ids may collide different names",
        )
        parser.add_argument("--batch-size", type=int, default=1000, help="rows per INSERT (default: 1000)")

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        article = None
        if options["article"]:
            article = Article.objects.filter(slug=options["article"]).first()
            if article is None:
                raise CommandError(f"no article has the slug {options['article']!r}")
        progress = ProgressLine(self.stdout) if self.stdout.isatty() else None
        try:
            report = import_file(
                self.reader_class(path),
                source=options["source"],
                article=article,
                dry_run=options["dry_run"],
                batch_size=max(1, options["batch_size"]),
                progress=progress,
            )
        except ImportFailed as exc:
            raise CommandError(f"{exc}. Nothing was stored.") from None
        finally:
            if progress is not None:
                progress.clear()
        for line in summary(report, self.reader_class.label):
            self.stdout.write(line)


def summary(report: ImportReport, label: str) -> list[str]:
    lines = []
    if report.dry_run:
        lines.append("Dry run: everything was checked and nothing was stored.")
    verb = "Would import" if report.dry_run else "Imported"
    lines.append(
        f"{verb} from {label}: {report.threads:,} thread{'s' if report.threads != 1 else ''}, "
        f"{report.comments:,} comment{'s' if report.comments != 1 else ''}, "
        f"{report.existing:,} already there, {report.skipped:,} skipped, {report.reparented:,} re-parented, "
        f"in {report.seconds:.2f} s."
    )
    if report.drafts:
        listed = ", ".join(report.drafts[:DRAFTS_LISTED])
        more = len(report.drafts) - DRAFTS_LISTED
        if more > 0:
            listed += f" and {more:,} more"
        lines.append(f"New draft articles for an editor to review ({len(report.drafts):,}): {listed}")
    return lines


class ProgressLine:
    """One line on the terminal, rewritten in place at most ten times a second."""

    def __init__(self, stdout):
        self.stdout = stdout
        self.shown = 0.0
        self.width = 0

    def __call__(self, stage: str, done: int, total: int | None) -> None:
        now = time.monotonic()
        if now - self.shown < 0.1 and done != total:
            return
        self.shown = now
        text = f"{stage}: {done:,}" + (f" / {total:,} posts" if total else " posts")
        self.width = max(self.width, len(text))
        self.stdout.write("\r" + text.ljust(self.width), ending="")
        self.stdout.flush()

    def clear(self) -> None:
        if self.width:
            self.stdout.write("\r" + " " * self.width + "\r", ending="")
            self.stdout.flush()

"""The bulk tree builder that every importer shares.

django-mptt inserts one node at a time and rewrites `lft/rght` of the tree on every insert; 10,000
comments that way take minutes. Here the whole file is planned in Python and written with `bulk_create`:

1. Read the file once, keeping a small skeleton of each post (ids, thread, parent, time, status).
2. In one transaction: map threads to articles (creating drafts for editors when none matches), leave out
   posts imported before, link parents (a parent missing from the file and the database sends its reply to
   the top level, counted as re-parented; so does a cycle), drop deleted posts that nobody answered.
3. Reserve primary keys and tree ids (under `lock_new_thread`, from MAX(tree_id) + 1), and number every
   tree depth-first: `lft`, `rght`, `level`. Every top-level comment roots its own tree. A reply to a
   comment stored by an earlier import joins that comment's tree, which is renumbered under its lock.
4. Read the file again and store the posts in batches as they come (parents may come after their replies:
   the keys are known in advance and foreign keys are checked at commit).

Each step has its module: matching.py (threads → articles), earlier.py (what earlier runs stored), linking.py
(parents), numbering.py (keys and tree numbers), storing.py (the second pass); this one runs them in order
and keeps the report.

All of it is one transaction: a file that fails half-way stores nothing, and a second run of the same file
finds every post already there and changes nothing.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field

from django.db import transaction

from articles.models import Article
from forum.comments.importers.base import ImportFailed, ImportFileError, PostRecord, Reader, ThreadRecord
from forum.comments.importers.earlier import stored_rows
from forum.comments.importers.linking import break_cycles, drop_unanswered_deleted, link_parents
from forum.comments.importers.matching import articles_for_threads
from forum.comments.importers.numbering import number_trees, reserve_primary_keys
from forum.comments.importers.storing import store
from forum.comments.models import Comment, refresh_planner_statistics
from forum.comments.posting import refresh_comment_count

Progress = Callable[[str, int, "int | None"], None]

PROGRESS_EVERY = 1000
SOURCE_MAX = Comment._meta.get_field("import_source").max_length


@dataclass
class ImportReport:
    source: str
    dry_run: bool = False
    threads: int = 0  # threads of the file that hold comments
    comments: int = 0  # comments stored by this run
    existing: int = 0  # posts stored by an earlier run, left as they are
    skipped: int = 0  # posts left out: deleted without replies, unknown thread, pingbacks
    reparented: int = 0  # posts whose parent is missing, now at the top level
    drafts: list[str] = field(default_factory=list)  # slugs of the draft articles created
    article_ids: list[int] = field(default_factory=list)  # articles that received comments
    seconds: float = 0.0


def import_file(
    reader: Reader,
    *,
    source: str | None = None,
    article: Article | None = None,
    dry_run: bool = False,
    batch_size: int = 1000,
    progress: Progress | None = None,
) -> ImportReport:
    """Import one export file. Raises ImportFailed (ImportFileError for a bad file); then nothing is stored.

    `source` names the origin in `Comment.import_source` (default: the reader's, e.g. "disqus"): use
    distinct names for two sites whose ids may collide. `article` puts a single-thread file under that
    article. `dry_run` does everything, then rolls back.
    """
    return BulkImport(
        reader, source=source, article=article, dry_run=dry_run, batch_size=batch_size, progress=progress
    ).run()


class BulkImport:
    def __init__(
        self,
        reader: Reader,
        *,
        source: str | None,
        article: Article | None,
        dry_run: bool,
        batch_size: int,
        progress: Progress | None,
    ):
        self.reader = reader
        self.source = source or reader.source
        if not self.source or len(self.source) > SOURCE_MAX:
            raise ImportFailed(f"the source name must have 1 to {SOURCE_MAX} characters, not {self.source!r}")
        self.article = article
        self.dry_run = dry_run
        self.batch_size = batch_size
        self.progress = progress or (lambda stage, done, total: None)
        self.report = ImportReport(source=self.source, dry_run=dry_run)
        self.threads: dict[str, ThreadRecord] = {}
        self.thread_by_ref: dict[Hashable, str] = {}
        self.posts: list[PostRecord] = []
        self.post_by_ref: dict[Hashable, int] = {}

    def run(self) -> ImportReport:
        started = time.monotonic()
        self.scan()
        with transaction.atomic():
            self.plan_and_store()
            if self.dry_run:
                transaction.set_rollback(True)
        if not self.dry_run:
            refresh_planner_statistics()
        self.report.seconds = time.monotonic() - started
        return self.report

    # --- first pass ------------------------------------------------------------------------------------

    def scan(self) -> None:
        index_of_key: dict[str, int] = {}
        for record in self.reader.records():
            if isinstance(record, ThreadRecord):
                self.threads.setdefault(record.key, record)
                for ref in record.refs:
                    self.thread_by_ref.setdefault(ref, record.key)
                continue
            if record.key in index_of_key:
                first = self.posts[index_of_key[record.key]].line
                raise ImportFileError(
                    self.reader.path, record.line, f"post {record.key} appears twice (first on line {first})"
                )
            record.message = record.author_name = None  # the second pass reads them again
            index = len(self.posts)
            index_of_key[record.key] = index
            self.posts.append(record)
            for ref in record.refs:
                self.post_by_ref.setdefault(ref, index)
            if index % PROGRESS_EVERY == 0:
                self.progress("Reading", index, None)
        self.report.skipped += self.reader.skipped
        self.progress("Reading", len(self.posts), len(self.posts))

    # --- the plan --------------------------------------------------------------------------------------

    def plan_and_store(self) -> None:
        posts = self.posts
        count = len(posts)
        alive = bytearray(b"\x01") * count
        thread_of = [self.thread_by_ref.get(post.thread_ref) for post in posts]

        if self.article is not None:
            threads = {thread_of[i] or repr(post.thread_ref) for i, post in enumerate(posts)}
            if len(threads) > 1:
                raise ImportFailed(
                    f"{self.reader.path} has comments in {len(threads)} threads; only a file with one "
                    "thread can go under a given article"
                )
            self.report.threads = len(threads)
        else:
            self.report.threads = len({key for key in thread_of if key is not None})

        existing = stored_rows(self.source, (post.key for post in posts))
        for i, post in enumerate(posts):
            if post.key in existing:
                alive[i] = 0
                self.report.existing += 1
            elif thread_of[i] is None and self.article is None:
                alive[i] = 0
                self.report.skipped += 1

        article_of = self.articles_of(thread_of, existing, alive)
        for i in range(count):
            if alive[i] and article_of[i] is None:  # a thread of deleted posts only: nothing to show
                alive[i] = 0
                self.report.skipped += 1

        parent, stored_parent, reparented = link_parents(
            posts,
            self.post_by_ref,
            existing,
            alive,
            article_of,
            source=self.source,
            key_for_ref=self.reader.key_for_ref,
        )
        break_cycles(parent, alive, reparented)
        self.report.skipped += drop_unanswered_deleted(posts, parent, alive)
        self.report.reparented = sum(1 for i in reparented if alive[i])

        live = [i for i in range(count) if alive[i]]
        self.report.comments = len(live)
        if not live:
            return
        pk_of = dict(zip(live, reserve_primary_keys(len(live)), strict=True))
        plan, updates = number_trees(posts, live, pk_of, parent, stored_parent)
        rows = {
            posts[i].key: (pk_of[i], *plan[pk_of[i]], article_of[i]) for i in live
        }  # key → (pk, parent pk, tree id, lft, rght, level, article id)
        article_ids = sorted({article_of[i] for i in live})
        del plan, pk_of, parent, stored_parent, article_of, thread_of, live, posts
        self.posts, self.post_by_ref = [], {}  # the skeleton has served: free it before the second pass
        store(self.reader, rows, source=self.source, batch_size=self.batch_size, progress=self.progress)
        Comment.objects.bulk_update(updates, ["lft", "rght"], batch_size=self.batch_size)
        self.report.article_ids = article_ids
        for article_id in self.report.article_ids:
            refresh_comment_count(article_id)

    def articles_of(self, thread_of: list, existing: dict, alive: bytearray) -> list[int | None]:
        """The article of each post: the given one, else its thread's (see `articles_for_threads`)."""
        if self.article is not None:
            return [self.article.pk] * len(self.posts)
        by_thread: dict[str, int] = {}
        # A thread whose comments an earlier run stored stays with that article, even if renamed since.
        for i, post in enumerate(self.posts):
            if post.key in existing and thread_of[i] is not None:
                by_thread.setdefault(thread_of[i], existing[post.key][1])
        wanted = {
            thread_of[i]
            for i, post in enumerate(self.posts)
            if alive[i] and post.status != Comment.Status.DELETED and thread_of[i] not in by_thread
        }
        found, drafts = articles_for_threads(
            self.threads,
            sorted(wanted),
            source=self.source,
            label=self.reader.label,
            batch_size=self.batch_size,
        )
        if drafts:
            self.report.drafts = drafts
        by_thread.update(found)
        return [by_thread.get(key) for key in thread_of]

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

All of it is one transaction: a file that fails half-way stores nothing, and a second run of the same file
finds every post already there and changes nothing.
"""

from __future__ import annotations

import re
import time
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.db import connection, transaction
from django.db.models import Max, Q
from django.utils.text import slugify
from django.utils.translation import gettext

from articles.models import Article
from forum.comments.importers.base import ImportFailed, ImportFileError, PostRecord, Reader, ThreadRecord
from forum.comments.importers.text import message_to_comment
from forum.comments.models import Comment
from forum.comments.nested_sets import number_tree
from forum.comments.posting import refresh_comment_count
from forum.lib.markdown import render_article

Progress = Callable[[str, int, "int | None"], None]

NO_PARENT = -1
QUERY_CHUNK = 2000
PROGRESS_EVERY = 1000
SLUG_MAX = Article._meta.get_field("slug").max_length
TITLE_MAX = Article._meta.get_field("title").max_length
AUTHOR_MAX = Comment._meta.get_field("author_name").max_length
SOURCE_MAX = Comment._meta.get_field("import_source").max_length
PAGE_EXTENSIONS = re.compile(r"\.(html?|php|aspx?)$", re.IGNORECASE)


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

        existing = self.stored_rows(post.key for post in posts)
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

        parent, stored_parent, reparented = self.link_parents(existing, alive, article_of)
        self.break_cycles(parent, alive, reparented)
        self.drop_unanswered_deleted(parent, alive)
        self.report.reparented = sum(1 for i in reparented if alive[i])

        live = [i for i in range(count) if alive[i]]
        self.report.comments = len(live)
        if not live:
            return
        pk_of = dict(zip(live, self.reserve_primary_keys(len(live)), strict=True))
        plan, updates = self.number_trees(live, pk_of, parent, stored_parent)
        rows = {
            posts[i].key: (pk_of[i], *plan[pk_of[i]], article_of[i]) for i in live
        }  # key → (pk, parent pk, tree id, lft, rght, level, article id)
        article_ids = sorted({article_of[i] for i in live})
        del plan, pk_of, parent, stored_parent, article_of, thread_of, live, posts
        self.posts, self.post_by_ref = [], {}  # the skeleton has served: free it before the second pass
        self.store(rows)
        Comment.objects.bulk_update(updates, ["lft", "rght"], batch_size=self.batch_size)
        self.report.article_ids = article_ids
        for article_id in self.report.article_ids:
            refresh_comment_count(article_id)

    def stored_rows(self, keys: Iterable[str]) -> dict[str, tuple[int, int, int]]:
        """Comments of this source already in the database: import id → (pk, article id, tree id)."""
        keys = list(dict.fromkeys(keys))
        found = {}
        for start in range(0, len(keys), QUERY_CHUNK):
            found.update(
                (key, (pk, article_id, tree_id))
                for key, pk, article_id, tree_id in Comment.objects.filter(
                    # The partial index's own condition, repeated: SQLite uses the index only when it does.
                    ~Q(import_source=""),
                    import_source=self.source,
                    import_id__in=keys[start : start + QUERY_CHUNK],
                )
                .order_by()
                .values_list("import_id", "pk", "article_id", "tree_id")
            )
        return found

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
        by_thread.update(self.articles_for_threads(sorted(wanted)))
        return [by_thread.get(key) for key in thread_of]

    def articles_for_threads(self, keys: list[str]) -> dict[str, int]:
        """Thread → article by identifier (the slug), else by the slug in its link; else a new draft."""
        candidates = {key: slug_candidates(self.threads[key], self.source) for key in keys}
        wanted = {slug for slugs in candidates.values() for slug in slugs}
        found = {}
        wanted_list = sorted(wanted)
        for start in range(0, len(wanted_list), QUERY_CHUNK):
            found.update(
                Article.objects.filter(slug__in=wanted_list[start : start + QUERY_CHUNK]).values_list(
                    "slug", "pk"
                )
            )
        articles: dict[str, int] = {}
        drafts: dict[str, Article] = {}
        draft_threads: dict[str, list[str]] = defaultdict(list)
        for key, slugs in candidates.items():
            match = next((slug for slug in slugs if slug in found), None)
            if match is not None:
                articles[key] = found[match]
                continue
            draft_slug = slugs[-1]
            draft_threads[draft_slug].append(key)
            if draft_slug not in drafts:
                drafts[draft_slug] = self.draft_article(self.threads[key], draft_slug)
        if drafts:
            created = Article.objects.bulk_create(list(drafts.values()), batch_size=self.batch_size)
            for draft in created:
                for key in draft_threads[draft.slug]:
                    articles[key] = draft.pk
            self.report.drafts = [draft.slug for draft in created]
        return articles

    def draft_article(self, thread: ThreadRecord, slug: str) -> Article:
        body = gettext(
            "Comments imported from %(source)s for a page that no article matched (%(link)s). "
            "Write the article here, or move its comments, before publishing."
        ) % {
            "source": self.reader.label or self.source,
            "link": thread.link or thread.identifier or thread.key,
        }
        return Article(
            title=(thread.title or slug)[:TITLE_MAX],
            slug=slug,
            body=body,
            body_html=render_article(body),
            status=Article.Status.DRAFT,
        )

    def link_parents(
        self, existing: dict, alive: bytearray, article_of: list
    ) -> tuple[list[int], dict[int, tuple[int, int]], set[int]]:
        """Parent of each live post: an index in the file, or (pk, tree id) of a comment stored before."""
        posts = self.posts
        parent = [NO_PARENT] * len(posts)
        stored_parent: dict[int, tuple[int, int]] = {}
        reparented: set[int] = set()
        look_up: dict[int, str] = {}
        for i, post in enumerate(posts):
            if not alive[i] or post.parent_ref is None:
                continue
            j = self.post_by_ref.get(post.parent_ref)
            if j is None:
                look_up[i] = self.reader.key_for_ref(post.parent_ref)
            elif posts[j].key in existing:
                pk, article_id, tree_id = existing[posts[j].key]
                if article_id == article_of[i]:
                    stored_parent[i] = (pk, tree_id)
                else:
                    reparented.add(i)
            elif alive[j] and article_of[j] == article_of[i]:
                parent[i] = j
            else:
                reparented.add(i)
        if look_up:  # parents absent from this file, perhaps imported by an earlier run
            stored = self.stored_rows(look_up.values())
            for i, key in look_up.items():
                row = stored.get(key)
                if row is not None and row[1] == article_of[i]:
                    stored_parent[i] = (row[0], row[2])
                else:
                    reparented.add(i)
        return parent, stored_parent, reparented

    @staticmethod
    def break_cycles(parent: list[int], alive: bytearray, reparented: set[int]) -> None:
        """A file where posts are each other's ancestors: the first post met again goes to the top."""
        state = bytearray(len(parent))  # 0 unseen, 1 on the current path, 2 done
        for start in range(len(parent)):
            if state[start] or not alive[start]:
                continue
            path = []
            i = start
            while i != NO_PARENT and state[i] == 0:
                state[i] = 1
                path.append(i)
                i = parent[i]
            if i != NO_PARENT and state[i] == 1:
                parent[i] = NO_PARENT
                reparented.add(i)
            for k in path:
                state[k] = 2

    def drop_unanswered_deleted(self, parent: list[int], alive: bytearray) -> None:
        """A deleted post is kept (as a placeholder without text) only while it has replies."""
        posts = self.posts
        replies = [0] * len(posts)
        for i in range(len(posts)):
            if alive[i] and parent[i] != NO_PARENT:
                replies[parent[i]] += 1
        deleted = Comment.Status.DELETED
        stack = [i for i in range(len(posts)) if alive[i] and posts[i].status == deleted and not replies[i]]
        while stack:
            i = stack.pop()
            alive[i] = 0
            self.report.skipped += 1
            j = parent[i]
            if j != NO_PARENT:
                replies[j] -= 1
                if not replies[j] and alive[j] and posts[j].status == deleted:
                    stack.append(j)

    def reserve_primary_keys(self, count: int) -> list[int]:
        """Primary keys for the new rows, known before they are written (replies may precede parents)."""
        table = Comment._meta.db_table
        column = Comment._meta.pk.column
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(
                    "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                    [table, column, count],
                )
                return [row[0] for row in cursor.fetchall()]
            if connection.vendor == "sqlite":
                # The transaction is IMMEDIATE: it holds the write lock, so nobody takes these ids meanwhile.
                quoted = connection.ops.quote_name(table)
                cursor.execute(f"SELECT MAX({connection.ops.quote_name(column)}) FROM {quoted}")
                highest = cursor.fetchone()[0] or 0
                cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
                row = cursor.fetchone()
                highest = max(highest, row[0] if row else 0)
                return list(range(highest + 1, highest + 1 + count))
        raise ImportFailed(f"bulk import supports PostgreSQL and SQLite, not {connection.vendor}")

    def number_trees(
        self, live: list[int], pk_of: dict[int, int], parent: list[int], stored_parent: dict
    ) -> tuple[dict[int, tuple], list[Comment]]:
        """Compute (parent pk, tree id, lft, rght, level) of every new row, and the stored rows to renumber.

        Siblings are ordered by time (then id); the site sorts again when it shows them.
        """
        posts = self.posts
        created = {}
        parent_pk: dict[int, int | None] = {}
        children: dict[int, list[int]] = defaultdict(list)
        new_roots = []
        touched_trees = set()
        for i in live:
            pk = pk_of[i]
            created[pk] = posts[i].created_at
            if parent[i] != NO_PARENT:
                parent_pk[pk] = pk_of[parent[i]]
            elif i in stored_parent:
                parent_pk[pk], tree_id = stored_parent[i]
                touched_trees.add(tree_id)
            else:
                parent_pk[pk] = None
                new_roots.append(pk)
                continue
            children[parent_pk[pk]].append(pk)

        plan: dict[int, tuple] = {}
        updates: list[Comment] = []
        for tree_id in sorted(touched_trees):
            Comment.objects.lock_thread(tree_id)
            old = {}
            root = None
            for pk, parent_id, created_at, lft, rght in Comment.objects.filter(tree_id=tree_id).values_list(
                "pk", "parent_id", "created_at", "lft", "rght"
            ):
                created[pk] = created_at
                old[pk] = (lft, rght)
                if parent_id is None:
                    root = pk
                else:
                    children[parent_id].append(pk)
            for pk, lft, rght, level in number_tree(root, children, key=lambda pk: (created[pk], pk)):
                if pk in old:
                    if old[pk] != (lft, rght):
                        updates.append(Comment(pk=pk, lft=lft, rght=rght))
                else:
                    plan[pk] = (parent_pk[pk], tree_id, lft, rght, level)

        if new_roots:
            Comment.objects.lock_new_thread()
            tree_id = (Comment.objects.aggregate(highest=Max("tree_id"))["highest"] or 0) + 1
            new_roots.sort(key=lambda pk: (created[pk], pk))
            for root in new_roots:
                for pk, lft, rght, level in number_tree(root, children, key=lambda pk: (created[pk], pk)):
                    plan[pk] = (parent_pk[pk], tree_id, lft, rght, level)
                tree_id += 1
        return plan, updates

    # --- second pass -----------------------------------------------------------------------------------

    def store(self, rows: dict[str, tuple]) -> None:
        total = len(rows)
        batch: list[Comment] = []
        stored = 0
        for record in self.reader.records():
            if not isinstance(record, PostRecord):
                continue
            row = rows.pop(record.key, None)
            if row is None:
                continue
            batch.append(self.comment(record, row))
            if len(batch) >= self.batch_size:
                Comment.objects.bulk_create(batch)
                stored += len(batch)
                batch = []
                forget_queries()
                self.progress("Storing", stored, total)
        if batch:
            Comment.objects.bulk_create(batch)
            stored += len(batch)
        if rows:
            raise ImportFileError(
                self.reader.path, None, f"the file changed while it was read: {len(rows)} posts went missing"
            )
        self.progress("Storing", stored, total)

    def comment(self, record: PostRecord, row: tuple) -> Comment:
        pk, parent_id, tree_id, lft, rght, level, article_id = row
        if record.status == Comment.Status.DELETED:
            # Nothing of a deleted post is kept but its place in the tree and its time.
            body = body_html = author_name = ""
        else:
            body, body_html = message_to_comment(record.message or "")
            author_name = record.author_name[:AUTHOR_MAX]
        return Comment(
            pk=pk,
            article_id=article_id,
            parent_id=parent_id,
            tree_id=tree_id,
            lft=lft,
            rght=rght,
            level=level,
            author_name=author_name,
            body=body,
            body_html=body_html,
            status=record.status,
            created_at=record.created_at,
            import_source=self.source,
            import_id=record.key,
        )


def forget_queries() -> None:
    """With DEBUG on, Django keeps the SQL of the last 9,000 queries, and a batch INSERT's SQL holds a
    thousand messages: drop it, unless a test is counting queries (it forces the debug cursor)."""
    if connection.queries_logged and not connection.force_debug_cursor:
        connection.queries_log.clear()


def slug_candidates(thread: ThreadRecord, source: str) -> list[str]:
    """Slugs that may name the thread's article, best first; the last one is also the draft's slug."""
    candidates = []
    if is_slug(thread.identifier):
        candidates.append(thread.identifier)
    if thread.link:
        segments = [segment for segment in urlsplit(thread.link).path.split("/") if segment]
        if segments:
            last = PAGE_EXTENSIONS.sub("", segments[-1])
            if is_slug(last):
                candidates.append(last)
    draft = candidates[0].lower() if candidates else slugify(thread.title)[:SLUG_MAX].strip("-")
    if not draft:
        draft = slugify(f"{source}-thread-{thread.key}")[:SLUG_MAX]
    if draft not in candidates:
        candidates.append(draft)
    return candidates


def is_slug(value: str) -> bool:
    return bool(value) and len(value) <= SLUG_MAX and re.fullmatch(r"[-a-zA-Z0-9_]+", value) is not None

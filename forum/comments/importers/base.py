"""What every importer shares: the records a reader yields, the errors, and a line-aware streaming parser.

A reader turns one export file into a stream of `ThreadRecord`s and `PostRecord`s in file order. The bulk
importer (bulk.py) reads that stream twice: once to learn the shape of every tree (keeping only the small
skeleton of each post), once to store the posts in batches. Neither pass holds the file or its messages in
memory, so memory stays flat in the file's size.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from abc import ABC, abstractmethod
from collections.abc import Hashable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from pyexpat import ErrorString

# Read at most this much of a line at a time, so that a file without line breaks cannot fill the memory.
READ_SIZE = 1 << 16


class ImportFailed(Exception):
    """The import cannot go on; nothing of the file is stored. The message is for the person running it."""


class ImportFileError(ImportFailed):
    """The file itself is wrong: malformed XML, a missing or unreadable field. Names the line."""

    def __init__(self, path: Path | str, line: int | None, problem: str, column: int | None = None):
        self.path = str(path)
        self.line = line
        self.column = column
        self.problem = problem
        where = self.path
        if line is not None:
            where += f", line {line}"
            if column is not None:
                where += f", column {column}"
        super().__init__(f"{where}: {problem}")


@dataclass(slots=True)
class ThreadRecord:
    """A discussion in the source: one article's comments."""

    key: str  # the source's id of the thread, used by its posts
    identifier: str  # Disqus <id>, WordPress post_name: often the slug
    link: str
    title: str
    line: int
    refs: tuple[Hashable, ...] = ()  # every reference by which posts may name this thread


@dataclass(slots=True)
class PostRecord:
    """One comment in the source. `message` is the source's HTML, left out of the first pass's skeleton."""

    key: str  # the source's id, stored as Comment.import_id
    thread_ref: Hashable | None
    parent_ref: Hashable | None
    created_at: datetime
    status: str  # a Comment.Status value
    author_name: str | None  # left out of the first pass's skeleton, like the message
    message: str | None
    line: int
    refs: tuple[Hashable, ...] = ()  # every reference by which replies may name this post


class Reader(ABC):
    """A streaming reader of one export format."""

    source = ""  # the default Comment.import_source
    label = ""  # the format's name in messages

    def __init__(self, path: Path | str):
        self.path = Path(path)
        self.skipped = 0  # posts the reader itself leaves out (pingbacks, ...), counted by records()

    @abstractmethod
    def records(self) -> Iterator[ThreadRecord | PostRecord]:
        """Yield the file's threads and posts in file order. Raise ImportFileError on a bad file."""

    def key_for_ref(self, ref: Hashable) -> str:
        """The id a post named by `ref` was stored under, to find parents imported by an earlier run."""
        return str(ref)

    def error(self, line: int | None, problem: str) -> ImportFileError:
        return ImportFileError(self.path, line, problem)

    def iter_xml(self, max_depth: int) -> Iterator[tuple[str, ET.Element, int, int]]:
        """Yield (event, element, depth, line) for "start" and "end" events down to `max_depth`, streaming.

        This is ElementTree's iterparse, fed line by line through its XMLPullParser so that each event
        knows its line number (iterparse alone does not say where an element is). The caller clears what
        it has read; a ParseError becomes an ImportFileError naming the line and column.
        """
        parser = ET.XMLPullParser(events=("start", "end"))
        depth = 0
        line = 1
        try:
            with self.path.open("rb") as stream:
                for chunk in iter(lambda: stream.readline(READ_SIZE), b""):
                    parser.feed(chunk)
                    for event, element in parser.read_events():
                        if event == "start":
                            depth += 1
                            if depth <= max_depth:
                                yield event, element, depth, line
                        else:
                            if depth <= max_depth:
                                yield event, element, depth, line
                            depth -= 1
                    if chunk.endswith(b"\n"):
                        line += 1
                parser.close()
        except ET.ParseError as exc:
            error_line, column = exc.position
            raise ImportFileError(
                self.path, error_line, f"the XML is malformed: {ErrorString(exc.code)}", column=column + 1
            ) from None
        except OSError as exc:
            raise ImportFailed(f"{self.path}: cannot read the file: {exc.strerror or exc}") from None


def local_name(tag: str) -> str:
    """`{http://disqus.com}post` → `post`: exports differ in their namespaces, not in their names."""
    return tag.rpartition("}")[2]


def child_text(element: ET.Element, name: str) -> str:
    """The stripped text of the first child with this local name, or ""."""
    for child in element:
        if local_name(child.tag) == name:
            return (child.text or "").strip()
    return ""


def find_child(element: ET.Element, name: str) -> ET.Element | None:
    for child in element:
        if local_name(child.tag) == name:
            return child
    return None


def parse_time(value: str) -> datetime:
    """An ISO 8601 time; a time without an offset is UTC (as in Disqus exports). Raises ValueError."""
    moment = datetime.fromisoformat(value.strip())
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment


def parse_bool(value: str) -> bool:
    return value.strip().lower() in {"true", "1", "yes"}

"""Bring discussions in from Disqus and WordPress exports (see docs/migrating.md).

from forum.comments.importers import DisqusReader, import_file
report = import_file(DisqusReader("export.xml"))
"""

from forum.comments.importers.base import ImportFailed, ImportFileError
from forum.comments.importers.bulk import ImportReport, import_file
from forum.comments.importers.disqus import DisqusReader
from forum.comments.importers.wordpress import WordPressReader

__all__ = [
    "DisqusReader",
    "ImportFailed",
    "ImportFileError",
    "ImportReport",
    "WordPressReader",
    "import_file",
]

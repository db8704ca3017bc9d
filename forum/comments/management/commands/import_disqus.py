from forum.comments.importers import DisqusReader
from forum.comments.importers.command import ImportCommand


class Command(ImportCommand):
    help = (
        "Import comments from a Disqus export (XML). Threads map to articles by identifier or link slug; "
        "threads without an article become drafts. Running the same file again changes nothing."
    )
    reader_class = DisqusReader

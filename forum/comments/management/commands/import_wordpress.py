from forum.comments.importers import WordPressReader
from forum.comments.importers.command import ImportCommand


class Command(ImportCommand):
    help = (
        "Import comments from a WordPress export (WXR). Posts map to articles by slug (wp:post_name); "
        "posts without an article become drafts. Running the same file again changes nothing."
    )
    reader_class = WordPressReader

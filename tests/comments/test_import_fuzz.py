"""Hypothesis against the Disqus and WordPress importers: generated export files, well-formed or broken (cut
short, with stray bytes, ids that collide, parents that are missing or form cycles, bad dates). Each import
either succeeds with whole trees and sanitised bodies, or stops with an ImportFailed that says what is wrong
(naming the line when the file is at fault) and stores nothing."""

import tempfile
from pathlib import Path
from xml.sax.saxutils import escape

from hypothesis import event, given
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from articles.models import Article
from forum.comments.importers import DisqusReader, ImportFailed, ImportFileError, WordPressReader, import_file
from forum.comments.integrity import check_all_trees
from forum.comments.models import Comment
from tests.comments import test_import_disqus as disqus
from tests.comments import test_import_wordpress as wordpress
from tests.fuzzing import FUZZ, attack_text, unsafe_parts

small_id = st.integers(min_value=1, max_value=12)
post_ids = st.lists(small_id, max_size=12, unique=True)


def xml_text(text: str) -> str:
    """Text that XML 1.0 can hold in CDATA: the damage step below breaks files on purpose, this does not."""
    text = "".join(c for c in text if c in "\t\n\r" or (" " <= c <= "\ud7ff") or ("\ue000" <= c <= "\ufffd"))
    return text.replace("]]>", "]] >")


cdata_text = attack_text.map(xml_text)
element_text = cdata_text.map(escape)
minutes = st.integers(min_value=0, max_value=10_000)
a_date = st.one_of(  # mostly a good date (as minutes): a bad one refuses the whole file
    minutes,
    minutes,
    minutes,
    minutes,
    st.sampled_from(["", "yesterday", "2023-02-30 10:00:00", "0000-00-00 00:00:00", "2023-03-31T25:00:00Z"]),
)


@st.composite
def disqus_document(draw) -> str:
    threads = draw(st.lists(st.sampled_from(["7001", "7002", "7003"]), min_size=1, max_size=3, unique=True))
    parts = [disqus.thread(dsq_id=t, identifier=f"story-{t}", title=f"Story {t}") for t in threads]
    for key in draw(post_ids):
        parts.append(
            disqus.post(
                str(key),
                thread=draw(st.sampled_from([*threads, "7009"])),
                parent=draw(st.one_of(st.none(), small_id.map(str))),
                message=draw(cdata_text),
                minute=draw(st.integers(min_value=0, max_value=10_000)),
                name=draw(st.one_of(st.none(), element_text.filter(str.strip))),
                deleted=draw(st.booleans()),
                spam=draw(st.booleans()),
            )
        )
    return disqus.HEADER + "".join(parts) + "</disqus>\n"


@st.composite
def wordpress_document(draw) -> str:
    items = []
    for post_id in draw(st.lists(st.sampled_from([12, 13, 14]), min_size=1, max_size=3, unique=True)):
        comments = []
        offset = post_id * 100  # comment ids are unique in the whole file
        for key in draw(post_ids):
            date = draw(a_date)
            if isinstance(date, int):
                date = f"2023-03-31 {date // 60 % 24:02}:{date % 60:02}:00"
            comments.append(
                wordpress.comment(
                    offset + key,
                    parent=draw(st.one_of(st.just(0), small_id.map(offset.__add__))),
                    content=draw(cdata_text),
                    author=draw(cdata_text),
                    approved=draw(st.sampled_from(["1", "0", "spam", "trash", "post-trashed", "x"])),
                    date_gmt=date,
                    date=date,
                    kind=draw(st.sampled_from(["comment", "", "pingback", "trackback"])),
                )
            )
        items.append(
            wordpress.item(
                post_id,
                draw(st.sampled_from(["belarus-urges-truce", "grain-deal", "", "Not a slug!"])),
                *comments,
                post_type=draw(st.sampled_from(["post", "page", "attachment"])),
            )
        )
    return wordpress.HEADER + "".join(items) + wordpress.FOOTER


@st.composite
def damaged(draw, documents) -> bytes:
    """The document as generated, or cut short, or with bytes put in or replaced somewhere."""
    data = draw(documents).encode()
    damage = draw(st.sampled_from(["none", "none", "none", "cut", "insert", "replace", "repeat"]))
    if damage == "none":
        return data
    if damage == "repeat":  # a stretch of the file twice: ids that collide, elements out of place
        start = draw(st.integers(min_value=0, max_value=len(data)))
        end = draw(st.integers(min_value=start, max_value=len(data)))
        return data[:end] + data[start:end] + data[end:]
    at = draw(st.integers(min_value=0, max_value=len(data)))
    if damage == "cut":
        return data[:at]
    junk = draw(
        st.one_of(
            st.sampled_from([b"<", b">", b"&", b"]]>", b"</post>", b"<post>", b"\x00", b"\xff\xfe", b"\n"]),
            st.binary(min_size=1, max_size=6),
        )
    )
    return data[:at] + junk + data[at + (len(junk) if damage == "replace" else 0) :]


class ImportFuzz(TestCase):
    """Each example runs in a transaction rolled back afterwards (Hypothesis' Django TestCase)."""

    def import_bytes(self, reader_class, data: bytes):
        before = (Comment.objects.count(), Article.objects.count())
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "export.xml"
            path.write_bytes(data)
            try:
                report = import_file(reader_class(path))
            except ImportFileError as error:
                event("the file is refused")
                assert str(error).startswith(f"{path}")
                assert error.problem
                assert (Comment.objects.count(), Article.objects.count()) == before, "nothing half-stored"
            except ImportFailed as error:
                event("the import is refused")
                assert str(error)
                assert (Comment.objects.count(), Article.objects.count()) == before, "nothing half-stored"
            else:
                event("imported" if report.comments else "nothing to import")
                assert Comment.objects.count() == before[0] + report.comments
        for body_html in Comment.objects.values_list("body_html", flat=True):
            assert unsafe_parts(body_html) == []
        assert [str(problem) for problem in check_all_trees()] == []

    @FUZZ
    @given(damaged(disqus_document()))
    def test_disqus_files_import_whole_or_not_at_all(self, data):
        self.import_bytes(DisqusReader, data)

    @FUZZ
    @given(damaged(wordpress_document()))
    def test_wordpress_files_import_whole_or_not_at_all(self, data):
        self.import_bytes(WordPressReader, data)

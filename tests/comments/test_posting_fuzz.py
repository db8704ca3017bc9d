"""Hypothesis against the comment form, through the test client as a browser or a script would post it:
whatever the body, parent and other fields hold, the answer is a redirect or a 4xx with a reason, never a 500;
a refused post stores nothing; and every tree still passes the integrity check."""

from django.test import Client
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from forum.comments.integrity import check_all_trees
from forum.comments.models import Comment
from tests.factories import ArticleFactory, CommentFactory, UserFactory
from tests.fuzzing import FUZZ_REQUESTS, attack_text, unsafe_parts

# Ids as they arrive over HTTP: numbers of every size and sign, and anything else.
an_id = st.one_of(
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.sampled_from(["", " ", "1.5", "1e3", "0x10", "null", "None", "[]", "1; DROP TABLE x", "\x00", "١٢"]),
    st.text(max_size=8),
)
a_field = st.one_of(st.text(max_size=20), st.sampled_from(["", "x" * 300]))


class CommentFormFuzz(TestCase):
    """Each example runs in a transaction rolled back afterwards (Hypothesis' Django TestCase)."""

    @classmethod
    def setUpTestData(cls):
        cls.article = ArticleFactory(slug="fuzzed")
        cls.other_article = ArticleFactory(slug="elsewhere")
        cls.thread = CommentFactory(article=cls.article)
        cls.reply = CommentFactory(article=cls.article, parent=cls.thread)
        cls.foreign = CommentFactory(article=cls.other_article)
        cls.reader = UserFactory()

    def post(self, data: dict, htmx: bool):
        client = Client()
        client.force_login(self.reader)
        headers = {"HX-Request": "true"} if htmx else {}
        return client.post(f"/articles/{self.article.slug}/comments/", data, headers=headers)

    @FUZZ_REQUESTS
    @given(
        body=st.one_of(attack_text, st.text(max_size=200), st.just("z" * 10_001)),
        parent=st.one_of(st.none(), an_id, st.sampled_from(["thread", "reply", "foreign"])),
        extra=st.dictionaries(st.sampled_from(["website", "rendered_at", "sort", "article"]), a_field),
        htmx=st.booleans(),
    )
    def test_any_post_is_answered_without_an_error_and_keeps_the_trees_whole(self, body, parent, extra, htmx):
        data = {"body": body, **extra}
        if parent is not None:
            data["parent"] = {"thread": self.thread, "reply": self.reply, "foreign": self.foreign}.get(
                parent, parent
            )
            data["parent"] = getattr(data["parent"], "pk", data["parent"])
        before = Comment.objects.count()

        response = self.post(data, htmx)

        assert response.status_code < 500
        if response.status_code in (201, 302):
            stored = Comment.objects.latest("pk")
            assert Comment.objects.count() == before + 1
            assert stored.author == self.reader
            assert unsafe_parts(stored.body_html) == []
        else:
            assert 400 <= response.status_code < 500, response.status_code
            assert Comment.objects.count() == before
            assert response.content, "a refusal says why"
        assert [str(problem) for problem in check_all_trees()] == []

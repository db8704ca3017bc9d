import random
import threading

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, connections

from forum.comments import posting
from forum.comments.integrity import check_all_trees, check_tree
from forum.comments.models import Comment
from tests.factories import ArticleFactory, CommentFactory, UserFactory


def test_check_tree_accepts_a_valid_tree():
    rows = [(1, None, 1, 6, 0), (2, 1, 2, 3, 1), (3, 1, 4, 5, 1)]

    assert check_tree(rows, tree_id=7) == []


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([(1, None, 1, 4, 0), (2, None, 2, 3, 0)], "2 roots instead of 1"),
        ([(1, None, 1, 6, 0), (2, 1, 2, 3, 1)], "bounds are not exactly 1..4"),
        ([(1, None, 1, 4, 0), (2, 1, 2, 3, 2)], "comment 2 has level 2, its parent 0"),
        (
            [(1, None, 1, 6, 0), (2, 1, 2, 5, 1), (3, 1, 3, 4, 1)],
            "comment 3 lies inside 2, but its parent is 1",
        ),
    ],
)
def test_check_tree_names_what_is_broken(rows, message):
    problems = check_tree(rows, tree_id=7)

    assert message in [p.message for p in problems]


@pytest.mark.django_db
def test_command_reports_and_repairs_a_broken_tree(article, capsys):
    root = CommentFactory(article=article)
    reply = CommentFactory(parent=root)
    Comment.objects.filter(pk=reply.pk).update(lft=7, rght=9)

    with pytest.raises(CommandError, match="1 broken tree"):
        call_command("check_comment_trees")
    call_command("check_comment_trees", "--fix")

    assert check_all_trees() == []
    reply.refresh_from_db()
    assert (reply.lft, reply.rght, reply.level) == (2, 3, 1)


@pytest.mark.django_db
def test_command_says_when_every_tree_is_valid(article, capsys):
    CommentFactory(parent=CommentFactory(article=article))

    call_command("check_comment_trees")

    assert "Every comment tree is valid." in capsys.readouterr().out


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_posting_keeps_every_tree_valid(settings):
    """Eight posters at once, replying into the same threads and starting new ones. Without the thread
    and new-thread locks of Comment.objects this corrupts trees and hands out duplicate tree ids."""
    assert connection.vendor == "postgresql"
    settings.SPAM_RATE_LIMIT = 1000  # these posters are machines: the spam check must not hold their comments
    article = ArticleFactory()
    posters = UserFactory.create_batch(8)
    seeds = [posting.post_comment(article=article, author=posters[0], body=f"Seed {i}") for i in range(3)]
    barrier = threading.Barrier(len(posters))
    errors: list[BaseException] = []

    def post_many(index: int) -> None:
        rng = random.Random(index)
        try:
            barrier.wait()
            for n in range(25):
                if n % 5 == 0:
                    posting.post_comment(article=article, author=posters[index], body=f"Thread {index}-{n}")
                    continue
                candidates = list(Comment.objects.filter(tree_id__in=[s.tree_id for s in seeds]).only("pk"))
                parent = Comment.objects.get(pk=rng.choice(candidates).pk)
                posting.post_comment(
                    article=article, author=posters[index], body=f"Reply {index}-{n}", parent=parent
                )
        except BaseException as exc:  # surfaced below
            errors.append(exc)
        finally:
            connections.close_all()

    workers = [threading.Thread(target=post_many, args=(i,)) for i in range(len(posters))]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)

    assert errors == []
    assert Comment.objects.count() == 3 + 8 * 25
    assert check_all_trees() == []
    roots = Comment.objects.filter(level=0)
    assert roots.values("tree_id").distinct().count() == roots.count() == 3 + 8 * 5

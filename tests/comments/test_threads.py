import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from forum.comments import paging, threads
from forum.comments.models import RESTRICTED_STATUSES, Comment
from tests.factories import CommentFactory, UserFactory

pytestmark = pytest.mark.django_db


def make_time(minutes: int):
    return timezone.now() - timezone.timedelta(hours=1) + timezone.timedelta(minutes=minutes)


def ids(nodes):
    return [node.comment.pk for node in nodes]


@pytest.fixture
def tree(article):
    """root ─┬─ a ── a1
          └─ b
    other"""
    root = CommentFactory(article=article, created_at=make_time(0))
    a = CommentFactory(parent=root, created_at=make_time(1))
    a1 = CommentFactory(parent=a, created_at=make_time(2))
    b = CommentFactory(parent=root, created_at=make_time(3))
    other = CommentFactory(article=article, created_at=make_time(4))
    return {"root": root, "a": a, "a1": a1, "b": b, "other": other}


def test_page_lists_threads_in_tree_order_with_close_markers(article, tree):
    page = threads.discussion_page(article, AnonymousUser())

    assert ids(page.nodes) == [tree[k].pk for k in ("root", "a", "a1", "b", "other")]
    assert [n.close_count for n in page.nodes] == [0, 0, 1, 1, 0]
    assert [n.reply_count for n in page.nodes] == [3, 1, 0, 0, 0]


def test_newest_sort_applies_to_threads_and_siblings(article, tree):
    page = threads.discussion_page(article, AnonymousUser(), sort="newest")

    assert ids(page.nodes) == [tree[k].pk for k in ("other", "root", "b", "a", "a1")]


def test_top_sort_orders_by_votes_then_time(article, tree):
    Comment.objects.filter(pk=tree["b"].pk).update(score=5)
    Comment.objects.filter(pk=tree["other"].pk).update(score=2)

    page = threads.discussion_page(article, AnonymousUser(), sort="top")

    assert ids(page.nodes) == [tree[k].pk for k in ("other", "root", "b", "a", "a1")]


def test_unknown_sort_falls_back_to_oldest(article, tree):
    assert threads.discussion_page(article, AnonymousUser(), sort="nonsense").sort == "oldest"


def test_hidden_comment_with_replies_is_a_placeholder_for_readers(article, tree, other_reader):
    Comment.objects.filter(pk=tree["a"].pk).update(status=Comment.Status.HIDDEN)

    page = threads.discussion_page(article, other_reader)

    node = next(n for n in page.nodes if n.comment.pk == tree["a"].pk)
    assert node.placeholder == "hidden"
    assert tree["a1"].pk in ids(page.nodes)


def test_author_of_a_hidden_comment_still_reads_it(article, tree):
    Comment.objects.filter(pk=tree["a"].pk).update(status=Comment.Status.HIDDEN)

    page = threads.discussion_page(article, tree["a"].author)

    assert next(n for n in page.nodes if n.comment.pk == tree["a"].pk).placeholder == ""


def test_spam_leaf_is_left_out_for_readers(article, tree):
    Comment.objects.filter(pk=tree["b"].pk).update(status=Comment.Status.SPAM)

    page = threads.discussion_page(article, AnonymousUser())

    assert tree["b"].pk not in ids(page.nodes)
    assert page.nodes[0].reply_count == 2


def test_pending_comment_is_shown_to_its_author_only(article, tree, other_reader):
    pending = CommentFactory(parent=tree["b"], status=Comment.Status.PENDING)

    assert pending.pk in ids(threads.discussion_page(article, pending.author).nodes)
    assert pending.pk not in ids(threads.discussion_page(article, other_reader).nodes)


def test_moderator_sees_everything_without_placeholders(article, tree, moderator):
    Comment.objects.filter(pk=tree["a"].pk).update(status=Comment.Status.HIDDEN)
    Comment.objects.filter(pk=tree["b"].pk).update(status=Comment.Status.SPAM)

    page = threads.discussion_page(article, moderator)

    assert len(page.nodes) == 5
    assert all(node.placeholder == "" for node in page.nodes)


def test_threads_are_paginated_by_fifty_top_level_comments(article, settings):
    settings.COMMENTS_THREADS_PER_PAGE = 2
    roots = [CommentFactory(article=article, created_at=make_time(i)) for i in range(3)]
    reply = CommentFactory(parent=roots[2])

    first = threads.discussion_page(article, AnonymousUser())
    second = threads.discussion_page(article, AnonymousUser(), page_number=2)

    assert ids(first.nodes) == [roots[0].pk, roots[1].pk]
    assert first.has_more
    assert ids(second.nodes) == [roots[2].pk, reply.pk]
    assert not second.has_more


def test_replies_below_the_display_depth_continue_elsewhere(article, settings):
    settings.COMMENTS_DISPLAY_DEPTH = 3
    chain = [CommentFactory(article=article)]
    for _ in range(4):
        chain.append(CommentFactory(parent=chain[-1]))

    page = threads.discussion_page(article, AnonymousUser())

    assert ids(page.nodes) == [c.pk for c in chain[:3]]
    assert page.nodes[2].continue_thread
    assert page.nodes[2].reply_count == 2
    assert chain[4].level == 4  # stored at its true place


def test_continue_this_thread_counts_only_the_replies_the_reader_may_see(article, settings):
    settings.COMMENTS_DISPLAY_DEPTH = 3
    chain = [CommentFactory(article=article)]
    for _ in range(3):
        chain.append(CommentFactory(parent=chain[-1]))
    pending = CommentFactory(parent=chain[3], status=Comment.Status.PENDING)
    CommentFactory(parent=chain[3], status=Comment.Status.SPAM)

    anonymous = threads.discussion_page(article, AnonymousUser()).nodes[2]
    author = threads.discussion_page(article, pending.author).nodes[2]

    assert anonymous.continue_thread and anonymous.reply_count == 1  # chain[3]; not the pending or spam one
    assert author.reply_count == 2  # and the author's own pending reply


def test_continue_this_thread_counts_every_reply_for_a_moderator(article, settings, moderator):
    settings.COMMENTS_DISPLAY_DEPTH = 3
    chain = [CommentFactory(article=article)]
    for _ in range(3):
        chain.append(CommentFactory(parent=chain[-1]))
    CommentFactory(parent=chain[3], status=Comment.Status.PENDING)
    CommentFactory(parent=chain[3], status=Comment.Status.SPAM)

    node = threads.discussion_page(article, moderator).nodes[2]

    assert node.continue_thread and node.reply_count == 3


def test_the_index_of_restricted_comments_holds_every_status_a_reader_may_not_see(article):
    by_status = {status: CommentFactory(article=article, status=status) for status in Comment.Status.values}
    listed = set(Comment.objects.visible_to(AnonymousUser()).values_list("pk", flat=True))
    index = next(index for index in Comment._meta.indexes if index.name == "comment_restricted")

    unseen = sorted(status for status, comment in by_status.items() if comment.pk not in listed)

    assert unseen == RESTRICTED_STATUSES == ["pending", "spam"]
    assert index.condition == Q(status__in=unseen)


def test_continuation_renders_the_rest_of_the_thread(article, settings):
    settings.COMMENTS_DISPLAY_DEPTH = 3
    chain = [CommentFactory(article=article)]
    for _ in range(4):
        chain.append(CommentFactory(parent=chain[-1]))

    rest = threads.continuation(chain[2], AnonymousUser())

    assert ids(rest.nodes) == [chain[3].pk, chain[4].pk]
    assert rest.ancestors == chain[:3]


def test_page_of_thread_finds_a_later_page(article, settings):
    settings.COMMENTS_THREADS_PER_PAGE = 2
    roots = [CommentFactory(article=article, created_at=make_time(i)) for i in range(5)]
    reply = CommentFactory(parent=roots[4])

    assert paging.page_of_thread(reply, AnonymousUser()) == 3
    assert paging.page_of_thread(roots[0], AnonymousUser(), sort="newest") == 3


def build_discussion(article, total: int) -> None:
    authors = UserFactory.create_batch(5)
    roots = [CommentFactory(article=article, author=authors[i % 5]) for i in range(max(1, total // 5))]
    made = len(roots)
    index = 0
    while made < total:
        parent = roots[index % len(roots)]
        child = CommentFactory(parent=parent, author=authors[index % 5])
        if made + 1 < total:
            CommentFactory(parent=child, author=authors[(index + 1) % 5])
            made += 1
        made += 1
        index += 1


@pytest.mark.parametrize("total", [10, 500])
def test_article_page_query_count_is_constant(client, article, reader, total, django_assert_num_queries):
    build_discussion(article, total)
    client.force_login(reader)

    # session, user, article, the reader's permissions, the page's roots, their trees with the reader's votes,
    # what the reader follows (the follow buttons), the unread notifications (the header), and moderation's
    # one (the reader's suspension and the article's close-after override): within docs/architecture.md's 10
    with django_assert_num_queries(9):
        response = client.get(article.get_absolute_url())

    assert len(re.findall(r'<article class="comment', response.content.decode())) == min(
        total, Comment.objects.filter(tree_id__in=Comment.objects.roots().values("tree_id")[:50]).count()
    )


@pytest.mark.parametrize("total", [10, 500])
def test_anonymous_article_page_query_count_is_constant(client, article, total, django_assert_num_queries):
    build_discussion(article, total)

    # the article's id (to read its discussion version before rendering, on a cold page cache), the article,
    # the page's roots, their trees; a warm cache serves the page without a query (tests/test_page_cache.py)
    with django_assert_num_queries(4):
        client.get(article.get_absolute_url())


def test_spam_root_with_replies_keeps_them_behind_a_placeholder(article, tree):
    Comment.objects.filter(pk=tree["root"].pk).update(status=Comment.Status.SPAM)

    page = threads.discussion_page(article, AnonymousUser())

    assert ids(page.nodes)[:4] == [tree[k].pk for k in ("root", "a", "a1", "b")]
    assert page.nodes[0].placeholder == "hidden"


def test_spam_root_without_replies_is_left_out(article, tree):
    Comment.objects.filter(pk=tree["other"].pk).update(status=Comment.Status.SPAM)

    page = threads.discussion_page(article, AnonymousUser())

    assert tree["other"].pk not in ids(page.nodes)


def test_shown_time_matches_the_date_filter(article, settings):
    from django.template.defaultfilters import date

    settings.TIME_ZONE = "Europe/Kyiv"
    comment = CommentFactory(
        article=article, created_at=timezone.make_aware(timezone.datetime(2023, 3, 31, 19, 12))
    )

    node = threads.discussion_page(article, AnonymousUser()).nodes[0]

    assert node.when == date(comment.created_at, "j M Y, H:i") == "31 Mar 2023, 19:12"


def test_a_page_takes_no_more_threads_once_it_holds_the_budget(article, settings):
    settings.COMMENTS_PAGE_BUDGET = 4
    big = CommentFactory(article=article, created_at=make_time(0))
    for _ in range(4):
        CommentFactory(parent=big)
    small = [CommentFactory(article=article, created_at=make_time(i)) for i in range(1, 4)]

    first = threads.discussion_page(article, AnonymousUser())
    second = threads.discussion_page(article, AnonymousUser(), page_number=2)

    assert [n.comment.pk for n in first.nodes if n.depth == 0] == [big.pk]  # one thread, even over budget
    assert [n.comment.pk for n in second.nodes] == [c.pk for c in small]
    assert first.has_more and not second.has_more
    assert paging.page_of_thread(small[2], AnonymousUser()) == 2


def test_pages_cut_through_a_page_agree_with_the_whole_cut(article, settings):
    settings.COMMENTS_THREADS_PER_PAGE = 2
    settings.COMMENTS_PAGE_BUDGET = 3
    for i in range(7):
        root = CommentFactory(article=article, created_at=make_time(i))
        if i % 3 == 0:
            CommentFactory(parent=root)
            CommentFactory(parent=root)
    whole = paging.thread_pages(article, AnonymousUser(), "oldest")

    for number in range(1, len(whole) + 1):
        cut = paging.thread_pages(article, AnonymousUser(), "oldest", through=number)
        assert cut[:number] == whole[:number]
        assert (len(cut) > number) == (len(whole) > number)  # whether a later page exists


def test_the_article_page_reads_only_the_roots_of_the_pages_up_to_its_own(article, settings):
    settings.COMMENTS_THREADS_PER_PAGE = 2
    for i in range(9):
        CommentFactory(article=article, created_at=make_time(i))

    with CaptureQueriesContext(connection) as queries:
        paging.thread_pages(article, AnonymousUser(), "oldest", through=2)

    assert len(queries) == 1
    assert re.search(r"\bLIMIT 5\b", queries[0]["sql"])

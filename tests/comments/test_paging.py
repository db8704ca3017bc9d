"""Replies paged inside a thread: no page shows more than COMMENTS_PAGE_BUDGET comments, whatever the shape,
and "Show N more replies" goes on from the last reply shown, in place with htmx or as a plain link."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from forum.comments import sorting, threads
from forum.comments.models import Comment
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

REPLIES, REPLIES_EACH = 100, 99  # 100 replies to the root, 99 replies to each: 10,000 replies in one thread
COMMENT = re.compile(r'<article class="comment[ "][^>]*id="comment-(\d+)"')
MORE = re.compile(r'<a class="more-replies" href="([^"]+)"(?: hx-get="([^"]+)")?[^>]*>Show (\d+) more repl')


def giant_thread(
    article, replies=REPLIES, each=REPLIES_EACH
) -> tuple[Comment, list[int], dict[int, list[int]]]:
    """One thread built in bulk with valid nested sets: the root, its replies, and theirs. Returns the root,
    its replies' ids and each reply's replies' ids, oldest first."""
    author = UserFactory()
    start = timezone.now() - timedelta(days=1)
    tree_id = (Comment.objects.order_by("-tree_id").values_list("tree_id", flat=True).first() or 0) + 1
    size = 1 + replies * (1 + each)
    root = Comment.objects.bulk_create(
        [
            Comment(
                article=article,
                author=author,
                body="Root",
                body_html="<p>Root</p>",
                created_at=start,
                tree_id=tree_id,
                lft=1,
                rght=2 * size,
                level=0,
            )
        ]
    )[0]
    level1, lft = [], 2
    for i in range(replies):
        level1.append(
            Comment(
                article=article,
                author=author,
                parent_id=root.pk,
                body=f"R{i}",
                body_html=f"<p>R{i}</p>",
                created_at=start + timedelta(seconds=i + 1),
                tree_id=tree_id,
                lft=lft,
                rght=lft + 2 * each + 1,
                level=1,
            )
        )
        lft += 2 * each + 2
    level1 = Comment.objects.bulk_create(level1)
    level2 = []
    for i, parent in enumerate(level1):
        for j in range(each):
            level2.append(
                Comment(
                    article=article,
                    author=author,
                    parent_id=parent.pk,
                    body=f"R{i}.{j}",
                    body_html=f"<p>R{i}.{j}</p>",
                    created_at=start + timedelta(seconds=1000 + i * each + j),
                    tree_id=tree_id,
                    lft=parent.lft + 1 + 2 * j,
                    rght=parent.lft + 2 + 2 * j,
                    level=2,
                )
            )
    level2 = Comment.objects.bulk_create(level2, batch_size=2000)
    below = {parent.pk: [] for parent in level1}
    for comment in level2:
        below[comment.parent_id].append(comment.pk)
    return root, [c.pk for c in level1], below


@pytest.fixture
def giant(article):
    return giant_thread(article)


@pytest.fixture
def big(article):
    """Smaller, for the tests that walk every page: 45 replies to the root, 12 to each."""
    return giant_thread(article, replies=45, each=12)


def shown(html: str) -> list[int]:
    return [int(pk) for pk in COMMENT.findall(html)]


def more_links(html: str) -> list[tuple[str, str | None, int]]:
    return [
        (href.replace("&amp;", "&"), hx and hx.replace("&amp;", "&"), int(n))
        for href, hx, n in MORE.findall(html)
    ]


def test_the_tree_is_valid(giant):
    from forum.comments.integrity import check_all_trees

    assert not list(check_all_trees())
    assert Comment.objects.count() == 1 + REPLIES * (1 + REPLIES_EACH)


def test_article_page_shows_the_first_replies_of_each_comment_within_the_budget(
    client, article, giant, settings
):
    root, replies, below = giant

    html = client.get(article.get_absolute_url()).content.decode()

    first, second = settings.COMMENTS_REPLIES_PER_LEVEL[:2]
    expected = [root.pk]
    for reply in replies[:first]:
        expected += [reply, *below[reply][:second]]
    assert shown(html) == expected
    assert len(expected) <= settings.COMMENTS_PAGE_BUDGET
    links = more_links(html)
    assert links[0][2] == REPLIES_EACH - second  # the first reply's own replies, then the root's
    assert links[-1][2] == REPLIES - first
    assert len(links) == first + 1


def test_budget_cuts_the_page_breadth_first_without_holes(client, article, giant, settings):
    settings.COMMENTS_PAGE_BUDGET = 100
    _root, replies, below = giant

    html = client.get(article.get_absolute_url()).content.decode()

    ids = shown(html)
    assert len(ids) <= 100
    first, second = settings.COMMENTS_REPLIES_PER_LEVEL[:2]
    assert [pk for pk in ids if pk in set(replies)] == replies[:first]  # the whole first level
    for reply in replies[:first]:  # each reply shows a prefix of its replies, or none, never a gap
        own = [pk for pk in ids if pk in set(below[reply])]
        assert own in ([], below[reply][:second])
    assert sum(n for _, _, n in more_links(html)) == len(Comment.objects.all()) - len(ids) - sum(
        REPLIES_EACH for r in replies[first:]
    )  # every reply not shown is counted once, by its parent's link or its own's


def bush(article, *, fanout: int, depth: int) -> dict[int, list[Comment]]:
    """One thread built in bulk in which every comment down to `depth` has `fanout` replies, each sibling
    posted later and scored higher than the one before. Returns each comment's replies by its pk (the root's
    under 0)."""
    author = UserFactory()
    start = timezone.now() - timedelta(days=1)
    tree_id = (Comment.objects.order_by("-tree_id").values_list("tree_id", flat=True).first() or 0) + 1
    size = sum(fanout**level for level in range(depth + 1))
    root = Comment(
        article=article, author=author, body="Root", tree_id=tree_id, lft=1, rght=2 * size, level=0
    )
    levels = [[root]]
    for level in range(1, depth + 1):
        below = sum(fanout**d for d in range(depth - level + 1))  # comments in a subtree rooted here
        levels.append(
            [
                Comment(
                    article=article,
                    author=author,
                    parent=parent,
                    body=f"{parent.body}.{i}",
                    score=i,
                    tree_id=tree_id,
                    lft=parent.lft + 1 + 2 * below * i,
                    rght=parent.lft + 2 * below * (i + 1),
                    level=level,
                )
                for parent in levels[-1]
                for i in range(fanout)
            ]
        )
    for level in levels:
        for comment in level:
            comment.created_at = start + timedelta(seconds=len(comment.body))
            comment.body_html = f"<p>{comment.body}</p>"
        Comment.objects.bulk_create(level)
    replies: dict[int, list[Comment]] = {0: levels[0]}
    for level in levels[1:]:
        for comment in level:
            replies.setdefault(comment.parent_id, []).append(comment)
    return replies


@pytest.mark.parametrize("sort", ["oldest", "newest", "top"])
def test_each_depth_shows_the_first_replies_its_schedule_gives(client, article, settings, sort):
    settings.COMMENTS_REPLIES_PER_LEVEL = [3, 2, 1]
    replies = bush(article, fanout=4, depth=5)
    order = {"oldest": lambda c: c.pk, "newest": lambda c: -c.pk, "top": lambda c: -c.score}[sort]

    def expected(comment: Comment, depth: int) -> list[int]:
        first = sorted(replies.get(comment.pk, []), key=order)[: [3, 2, 1][min(depth, 3) - 1]]
        return [comment.pk, *(pk for reply in first for pk in expected(reply, depth + 1))]

    html = client.get(f"{article.get_absolute_url()}?sort={sort}").content.decode()

    assert shown(html) == expected(replies[0][0], 1)  # 1 + 3 + 6 + 6 + 6 + 6 comments
    # The root's one reply left, 2 of each reply's 4, and 3 below each comment shown at depths 2 to 4.
    assert sorted(n for _, _, n in more_links(html)) == [1] + [2] * 3 + [3] * 18


@pytest.mark.parametrize("sort", ["oldest", "newest", "top"])
def test_walking_show_more_with_htmx_gives_every_reply_once_in_order(client, article, big, sort):
    root, replies, _below = big
    Comment.objects.filter(pk__in=replies[::7]).update(score=3)
    expected = list(
        Comment.objects.filter(parent=root).order_by(*sorting.SORTS[sort]).values_list("pk", flat=True)
    )
    html = client.get(f"{article.get_absolute_url()}?sort={sort}").content.decode()
    seen = [pk for pk in shown(html) if pk in set(replies)]
    link = more_links(html)[-1]
    while True:
        response = client.get(link[1], headers={"HX-Request": "true"})
        fragment = response.content.decode()
        assert "<html" not in fragment
        new = [pk for pk in shown(fragment) if pk in set(replies)]
        assert len(new) == min(link[2], 20)
        seen += new
        links = [entry for entry in more_links(fragment) if f"/{root.pk}/" in entry[1]]
        if not links:
            break
        link = links[-1]
    assert seen == expected


def test_walking_show_more_without_javascript_goes_through_the_comment_page(client, article, big):
    _root, replies, below = big
    parent = replies[0]
    html = client.get(article.get_absolute_url()).content.decode()
    href = more_links(html)[0][0]
    seen = [pk for pk in shown(html) if pk in set(below[parent])]
    while href:
        assert href.startswith(f"/articles/{article.slug}/comments/{parent}/?after=")
        page = client.get(href).content.decode()
        assert "<html" in page
        ids = shown(page)
        assert ids[0] == parent  # the comment itself, then its next replies
        seen += ids[1:]
        links = [entry for entry in more_links(page) if f"/{parent}/" in entry[0]]
        href = links[-1][0] if links else None
    assert seen == below[parent]


def test_replies_endpoint_without_htmx_redirects_to_the_comment_page(client, article, big):
    root, replies, _ = big

    response = client.get(f"/articles/{article.slug}/comments/{root.pk}/replies/?after={replies[19]}")

    assert response.status_code == 302
    assert response["Location"] == f"/articles/{article.slug}/comments/{root.pk}/?after={replies[19]}"


def test_a_reply_posted_meanwhile_neither_shifts_nor_repeats_the_next_replies(client, article, big, reader):
    root, replies, _ = big
    from forum.comments.posting import post_comment

    html = client.get(article.get_absolute_url()).content.decode()
    hx = more_links(html)[-1][1]
    newest = post_comment(article=article, author=reader, body="Late reply", parent=root)

    fragment = client.get(hx, headers={"HX-Request": "true"}).content.decode()

    assert [pk for pk in shown(fragment) if pk in set(replies) | {newest.pk}] == replies[20:40]
    assert more_links(fragment)[-1][2] == 45 - 40 + 1


@pytest.mark.parametrize("value, status", [("abc", 400), ("-3", 400), ("999999999", 404)])
def test_a_bad_after_is_refused(client, article, big, value, status):
    root, _, _ = big

    response = client.get(
        f"/articles/{article.slug}/comments/{root.pk}/replies/?after={value}", headers={"HX-Request": "true"}
    )

    assert response.status_code == status


def test_after_must_be_a_reply_of_that_comment(client, article, big):
    root, replies, below = big

    response = client.get(f"/articles/{article.slug}/comments/{root.pk}/?after={below[replies[0]][0]}")

    assert response.status_code == 404


def test_the_replies_fragment_takes_a_constant_number_of_queries(
    client, article, big, django_assert_num_queries
):
    root, replies, _ = big
    # the comment with its article and author, the reply named by after, the bounded load, the count left
    with django_assert_num_queries(4):
        response = client.get(
            f"/articles/{article.slug}/comments/{root.pk}/replies/?after={replies[19]}",
            headers={"HX-Request": "true"},
        )
    assert len(shown(response.content.decode())) == 20 * 11  # 20 replies with their first 10 each


def test_article_page_query_count_is_that_of_a_small_thread(
    client, article, giant, django_assert_num_queries
):
    # as tests/comments/test_threads.py: the article's id, the article, the roots, the bounded load
    with django_assert_num_queries(4):
        client.get(article.get_absolute_url())


def test_permalink_of_the_root_is_bounded(client, article, giant, settings):
    settings.COMMENTS_PAGE_BUDGET = 150
    root, _, _ = giant

    html = client.get(f"/articles/{article.slug}/comments/{root.pk}/").content.decode()

    assert 0 < len(shown(html)) <= 150
    assert more_links(html)


def test_continuation_is_bounded(client, article, giant, settings):
    settings.COMMENTS_DISPLAY_DEPTH = 1  # the root's replies lie below the display depth
    settings.COMMENTS_PAGE_BUDGET = 60
    root, _replies, _ = giant

    page = client.get(article.get_absolute_url()).content.decode()
    assert "Continue this thread (10000 replies)" in page
    html = client.get(
        f"/articles/{article.slug}/comments/{root.pk}/thread/", headers={"HX-Request": "true"}
    ).content.decode()

    assert 0 < len(shown(html)) <= 60
    assert more_links(html)[-1][2] == REPLIES - 20


def test_html_contract_of_the_paged_thread(client, article, big):
    _root, replies, below = big

    html = client.get(article.get_absolute_url()).content.decode()

    reply = re.search(
        rf'<article class="comment" id="comment-{replies[0]}" data-depth="1" data-status="published"', html
    )
    assert reply
    nested = html[reply.end() :]
    assert nested.index('<ol class="replies">') < nested.index(f'id="comment-{below[replies[0]][0]}"')
    assert '<li class="more-replies-item">' in html


def test_more_replies_counts_only_what_the_reader_may_see(article):
    _root, replies, _ = giant_thread(article, replies=40, each=0)
    Comment.objects.filter(pk__in=replies[30:40]).update(status=Comment.Status.SPAM)

    page = threads.discussion_page(article, AnonymousUser())

    assert page.nodes[0].more_count == 40 - 20 - 10  # spam without replies is not listed to readers


def test_the_budget_cuts_a_replies_fragment_without_holes(client, article, big, settings):
    settings.COMMENTS_PAGE_BUDGET = 50
    root, replies, below = big

    fragment = client.get(
        f"/articles/{article.slug}/comments/{root.pk}/replies/?after={replies[19]}",
        headers={"HX-Request": "true"},
    ).content.decode()

    ids = shown(fragment)
    assert len(ids) <= 50
    assert [pk for pk in ids if pk in set(replies)] == replies[20:40]
    second = settings.COMMENTS_REPLIES_PER_LEVEL[1]
    own = [[pk for pk in ids if pk in set(below[reply])] for reply in replies[20:40]]
    assert all(
        replies_shown in ([], below[reply][:second])
        for reply, replies_shown in zip(replies[20:40], own, strict=True)
    )
    assert sum(1 for replies_shown in own if replies_shown) == (50 - 20) // second

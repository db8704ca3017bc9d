"""Following articles and threads: the small functions the follow buttons (and later an API) call."""

from dataclasses import dataclass, field

from django.db.models import Q

from articles.models import Article
from forum.comments import rules
from forum.comments.models import Comment
from forum.lib.urls import UrlForPk
from forum.notifications.models import Subscription


def thread_root(comment: Comment) -> Comment:
    """The top-level comment of the comment's thread (every top-level comment roots its own tree)."""
    return comment.thread_root()


def set_following_article(user, article: Article, follow: bool) -> None:
    Subscription.objects.update_or_create(user=user, article=article, defaults={"active": follow})


def set_following_thread(user, root: Comment, follow: bool) -> None:
    if follow:
        Subscription.objects.update_or_create(user=user, thread=root, defaults={"active": True})
    else:
        Subscription.objects.filter(user=user, thread=root).delete()


def following_on(user, article_id: int) -> tuple[bool | None, set[int]]:
    """For a discussion page, in one query: whether the reader chose to follow the article (None when they
    never chose: then an author follows their own article), and the ids of the top-level comments of the
    threads they follow there."""
    if not rules.is_logged_in(user):
        return None, set()
    rows = (
        Subscription.objects.filter(user=user)
        .filter(Q(article_id=article_id) | Q(thread__article_id=article_id))
        .values_list("article_id", "thread_id", "active")
    )
    chose, threads = None, set()
    for row_article_id, thread_id, active in rows:
        if row_article_id is not None:
            chose = active
        elif active:
            threads.add(thread_id)
    return chose, threads


def follows_article(user, article: Article, chose: bool | None) -> bool:
    """`chose` as following_on returns it: an explicit choice wins, else an article's author follows it."""
    if chose is not None:
        return chose
    return user.is_authenticated and article.author_id == user.pk


def article_followers(article: Article) -> set[int]:
    rows = dict(Subscription.objects.filter(article=article).values_list("user_id", "active"))
    followers = {user_id for user_id, active in rows.items() if active}
    if article.author_id and rows.get(article.author_id, True):
        followers.add(article.author_id)
    return followers


def thread_followers(root_id: int) -> set[int]:
    return set(Subscription.objects.active().filter(thread_id=root_id).values_list("user_id", flat=True))


@dataclass
class FollowingState:
    """What a reader follows on a discussion page (composed into the page by forum/pages.py): the article's
    button, and which threads' buttons read "Following thread". `show` is False for anonymous readers."""

    show: bool = False
    article: bool = False
    threads: set[int] = field(default_factory=set)  # ids of the followed threads' top-level comments
    follow_article_url: str = ""
    unfollow_article_url: str = ""
    follow_thread_url: UrlForPk | None = None
    unfollow_thread_url: UrlForPk | None = None


def following_state(user, article: Article) -> FollowingState:
    """One query for a logged-in reader (following_on), none for anonymous ones."""
    if not rules.is_logged_in(user):
        return FollowingState()
    chose, threads = following_on(user, article.pk)
    return FollowingState(
        show=True,
        article=follows_article(user, article, chose),
        threads=threads,
        follow_article_url=UrlForPk("notifications:follow_article")(article.pk),
        unfollow_article_url=UrlForPk("notifications:unfollow_article")(article.pk),
        follow_thread_url=UrlForPk("notifications:follow_thread"),
        unfollow_thread_url=UrlForPk("notifications:unfollow_thread"),
    )

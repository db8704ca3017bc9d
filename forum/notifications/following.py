"""Following articles and threads: the small functions the follow buttons (and later an API) call."""

from articles.models import Article
from forum.comments.models import Comment
from forum.notifications.models import Subscription


def thread_root(comment: Comment) -> Comment:
    """The top-level comment of the comment's thread (every top-level comment roots its own tree)."""
    if comment.level == 0:
        return comment
    return Comment.objects.get(tree_id=comment.tree_id, level=0)


def follows_article(user, article: Article) -> bool:
    if not user.is_authenticated:
        return False
    row = Subscription.objects.filter(user=user, article=article).values_list("active", flat=True).first()
    if row is None:
        return article.author_id == user.pk  # an article's author follows it by default
    return row


def follows_thread(user, root: Comment) -> bool:
    if not user.is_authenticated:
        return False
    return Subscription.objects.active().filter(user=user, thread=root).exists()


def set_following_article(user, article: Article, follow: bool) -> None:
    Subscription.objects.update_or_create(user=user, article=article, defaults={"active": follow})


def set_following_thread(user, root: Comment, follow: bool) -> None:
    if follow:
        Subscription.objects.update_or_create(user=user, thread=root, defaults={"active": True})
    else:
        Subscription.objects.filter(user=user, thread=root).delete()


def followed_threads(user, article: Article) -> set[int]:
    """Ids of the top-level comments of this article whose threads the reader follows (one query)."""
    if not user.is_authenticated:
        return set()
    return set(
        Subscription.objects.active()
        .filter(user=user, thread__article=article)
        .values_list("thread_id", flat=True)
    )


def article_followers(article: Article) -> set[int]:
    rows = dict(Subscription.objects.filter(article=article).values_list("user_id", "active"))
    followers = {user_id for user_id, active in rows.items() if active}
    if article.author_id and rows.get(article.author_id, True):
        followers.add(article.author_id)
    return followers


def thread_followers(root_id: int) -> set[int]:
    return set(Subscription.objects.active().filter(thread_id=root_id).values_list("user_id", flat=True))

"""Comment events. Other apps (moderation, notifications, spam) listen; this app imports none of them.

Every event is sent after the write is committed to the transaction, from the functions in posting.py:
one place, so that later work (live updates, an API) sees every change. Receivers that enqueue work use
`transaction.on_commit`.
"""

from django.dispatch import Signal

# Sent before a reader writes (action: "post", "edit", "vote", "delete"), with user, article and comment (the
# parent for "post"). A receiver refuses by raising django.core.exceptions.PermissionDenied with a message
# for the reader (a suspension, a closed discussion).
checking_permission = Signal()

# Sent with the unsaved comment before it is stored. A receiver may return Comment.Status.PENDING to hold it
# for review (pre-moderation); the strictest answer wins.
deciding_status = Signal()

comment_posted = Signal()  # comment
comment_edited = Signal()  # comment
comment_deleted = Signal()  # comment (still in memory when removed for good), removed: bool
comment_voted = Signal()  # comment, user, voted: bool
comment_status_changed = Signal()  # comment, old_status, new_status, actor, reason

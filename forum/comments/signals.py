"""Comment events. Other apps (moderation, notifications, spam) listen; this app imports none of them.

Every event is sent from the functions in posting.py (one place, so that later work such as live updates or an
API sees every change), inside the transaction of the write: a receiver that records work in the database
(an outbox row) does so atomically with the comment, and enqueues the task with `transaction.on_commit`.

Rules that may refuse a write or hold a comment are not events: posting.py calls them explicitly, in the
order the settings list them (policies.py).
"""

from django.dispatch import Signal

comment_posted = Signal()  # comment, context (dict: ip_hash, browser, honeypot, seconds_to_submit, ...)
comment_edited = Signal()  # comment, and actor when a moderator changed the text (posting.revise_comment)
# comment (with removed=True no longer in the database, and its pk None), comment_id, actor (the author or a
# moderator), removed (False when it stays as a "deleted" placeholder holding its replies)
comment_deleted = Signal()
comment_status_changed = Signal()  # comment, old_status, new_status, actor, reason

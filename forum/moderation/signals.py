"""Moderation events, for other apps (notifications) to react to. forum/moderation never imports them.
Status changes themselves reach other apps as the comments app's `comment_status_changed`.

Like the comment events, they are sent inside the transaction of the write: a receiver that records work in
the database does so atomically, and enqueues its task with `transaction.on_commit`.
"""

from django.dispatch import Signal

# A reader filed a report. Kwargs: report (moderation.Report). For moderators only: the comment's author must
# never learn who reported.
report_filed = Signal()

# A moderator granted or rejected an appeal. Kwargs: appeal (with status, decision_reason, decided_by).
# Notifications tell the appeal's author.
appeal_decided = Signal()

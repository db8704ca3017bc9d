"""Moderation events, for other apps (notifications) to react to. forum/moderation never imports them.

Like the comment events, they are sent inside the transaction of the write: a receiver that records work in
the database does so atomically, and enqueues its task with `transaction.on_commit`.
"""

from django.dispatch import Signal

# A reader filed a report. Kwargs: report (moderation.Report). For moderators only: the comment's author must
# never learn who reported.
report_filed = Signal()

# An author appealed against the hiding of their comment. Kwargs: appeal (moderation.Appeal).
appeal_filed = Signal()

# A moderator granted or rejected an appeal. Kwargs: appeal (with status, decision_reason, decided_by).
appeal_decided = Signal()

# A moderator (or the report threshold, actor None) acted on a comment. Kwargs: comment, action (a
# ModerationAction.Kind value: "hide", "unhide", "approve", "spam", "delete", "auto_hide", ...), actor
# (User or None), reason (a Reason value such as "abuse", or ""), record (the ModerationAction). The note
# is for moderators; never send the comment's text to readers when it is hidden.
comment_moderated = Signal()

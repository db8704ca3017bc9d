"""Thin Celery tasks over forum.lib.outbox: check a comment, train the filter; and the daily purge."""

from celery import shared_task

from forum.lib import outbox
from forum.spam import checking, personal_data
from forum.spam.models import SpamCheck, Training


@shared_task(bind=True, name="forum.spam.tasks.check_comment", ignore_result=True)
def check_comment(self, check_id: int) -> str:
    return outbox.run(self, SpamCheck, check_id, checking.run_check)


@shared_task(bind=True, name="forum.spam.tasks.train_filter", ignore_result=True)
def train_filter(self, training_id: int) -> str:
    return outbox.run(self, Training, training_id, checking.train, atomic=True)


@shared_task(name="forum.spam.tasks.purge_request_data", ignore_result=True)
def purge_request_data() -> int:
    """Celery beat, daily: address hashes and browser families go after PRIVACY_RETENTION_DAYS."""
    return personal_data.purge_request_data()

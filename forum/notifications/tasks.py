"""Thin Celery tasks: each takes an outbox row's id and lets forum.lib.outbox claim and run it."""

from celery import shared_task

from forum.lib import outbox
from forum.notifications import delivery, fanout, summaries
from forum.notifications.models import Digest, EmailDelivery, EmailSummary, NotificationJob


@shared_task(bind=True, name="forum.notifications.tasks.fan_out", ignore_result=True)
def fan_out(self, job_id: int) -> str:
    return outbox.run(self, NotificationJob, job_id, fanout.run_job, atomic=True)


@shared_task(bind=True, name="forum.notifications.tasks.deliver_email", ignore_result=True)
def deliver_email(self, delivery_id: int) -> str:
    return outbox.run(self, EmailDelivery, delivery_id, delivery.send_notification_email)


@shared_task(bind=True, name="forum.notifications.tasks.deliver_digest", ignore_result=True)
def deliver_digest(self, digest_id: int) -> str:
    return outbox.run(self, Digest, digest_id, delivery.send_digest)


@shared_task(bind=True, name="forum.notifications.tasks.deliver_summary", ignore_result=True)
def deliver_summary(self, summary_id: int) -> str:
    return outbox.run(self, EmailSummary, summary_id, summaries.send_summary)


@shared_task(name="forum.notifications.tasks.send_digests", ignore_result=True)
def send_digests() -> int:
    return delivery.prepare_digests()

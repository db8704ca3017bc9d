"""The outbox: background work recorded in the database, so that nothing is lost between a write and a worker.

A receiver writes an outbox row (a notification to work out, an e-mail to send, a comment to check) inside the
transaction of the write that caused it, and enqueues its task with `transaction.on_commit`. The task claims
the row with a conditional UPDATE (pending → running), does the work and marks it done; a redelivered or
duplicated message finds the row taken or done and returns. If the broker was down when the task should have
been enqueued, or a worker died holding a claim, the periodic `sweep` finds the row and enqueues it again.

Rows that keep failing end as `failed`, with the error, in the admin, where staff can retry them.
"""

import logging
import random
import uuid
from collections.abc import Callable
from datetime import timedelta
from typing import Any, ClassVar, TypeVar

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.apps import apps
from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)


class State(models.TextChoices):
    PENDING = "pending", _("Pending")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class OutboxQuerySet(models.QuerySet):
    def due(self, before) -> "OutboxQuerySet":
        """Pending rows that should have run by `before`."""
        return self.filter(state=State.PENDING, available_at__lte=before)

    def stale(self, before) -> "OutboxQuerySet":
        """Running rows claimed before `before`: their worker died or was cut off."""
        return self.filter(state=State.RUNNING, claimed_at__lte=before)

    def requeue(self) -> int:
        """Make rows pending again, to run at once (the admin's "retry" action)."""
        return self.exclude(state=State.RUNNING).update(
            state=State.PENDING, available_at=timezone.now(), claimed_by="", finished_at=None
        )


class OutboxItem(models.Model):
    """One piece of background work. Concrete models add what the work is about and set `task_name`."""

    #: Dotted path of the Celery task that runs a row; it takes the row's id.
    task_name: ClassVar[str] = ""
    #: Seconds a pending row must have been due before the sweep enqueues it; None is OUTBOX_SWEEP_AFTER.
    #: A model whose rows only the sweep enqueues sets 0.
    sweep_after: ClassVar[float | None] = None

    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    available_at = models.DateTimeField(
        _("not before"), default=timezone.now, help_text=_("When a pending row is due (retry back-off).")
    )
    claimed_at = models.DateTimeField(_("claimed"), null=True, blank=True)
    claimed_by = models.CharField(_("claimed by task"), max_length=64, blank=True, default="")
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True, default="")

    objects = OutboxQuerySet.as_manager()

    class Meta:
        abstract = True
        indexes = [models.Index(fields=["state", "available_at"], name="%(class)s_due")]

    @classmethod
    def task(cls):
        return import_string(cls.task_name)


Item = TypeVar("Item", bound=OutboxItem)


def record_once(model: type[Item], defaults: dict[str, Any], **unique: Any) -> tuple[Item, bool]:
    """get_or_create for a row with a unique key that is nearly always new, insert first: the new row costs
    one INSERT (in a savepoint) rather than a SELECT before it; an existing one costs the failed INSERT (an
    error line in PostgreSQL's log) and then the SELECT. Returns the row and whether it was created."""
    try:
        with transaction.atomic():
            return model.objects.create(**unique, **defaults), True
    except IntegrityError:
        existing = model.objects.filter(**unique).first()
        if existing is None:  # the insert broke another constraint, not the unique key
            raise
        return existing, False


def stale_after() -> timedelta:
    return timedelta(seconds=settings.OUTBOX_STALE_AFTER)


def claim(model: type[OutboxItem], pk: int, token: str) -> OutboxItem | None:
    """Take a row for this run. A row is free when pending, when its claim is stale, or when the claim is this
    very task's (the same message delivered again after its worker died)."""
    now = timezone.now()
    free = (
        Q(state=State.PENDING)
        | Q(state=State.RUNNING, claimed_by=token)
        | Q(state=State.RUNNING, claimed_at__lte=now - stale_after())
    )
    updated = (
        model.objects.filter(pk=pk)
        .filter(free)
        .update(state=State.RUNNING, claimed_at=now, claimed_by=token, attempts=F("attempts") + 1)
    )
    if not updated:
        return None
    return model.objects.get(pk=pk)


def _finish(item: OutboxItem, token: str, **fields: Any) -> bool:
    """Conditional on still holding the claim: a row the sweep gave to another run is left to that run."""
    updated = type(item).objects.filter(pk=item.pk, state=State.RUNNING, claimed_by=token).update(**fields)
    return bool(updated)


def complete(item: OutboxItem, token: str, **fields: Any) -> bool:
    return _finish(item, token, state=State.DONE, finished_at=timezone.now(), **fields)


def release(item: OutboxItem, token: str, error: BaseException, delay: float) -> bool:
    """Back to pending after a transient error; the retry (or the sweep) runs it again after `delay`."""
    return _finish(
        item,
        token,
        state=State.PENDING,
        available_at=timezone.now() + timedelta(seconds=delay),
        last_error=describe(error),
    )


def fail(item: OutboxItem, token: str, error: BaseException | str) -> bool:
    return _finish(
        item,
        token,
        state=State.FAILED,
        finished_at=timezone.now(),
        last_error=error if isinstance(error, str) else describe(error),
    )


def describe(error: BaseException) -> str:
    return f"{error.__class__.__name__}: {error}"[:2000]


def backoff(retries: int) -> float:
    """Exponential back-off with jitter: the n-th retry waits between half and all of base·2ⁿ (capped)."""
    ceiling = min(settings.TASK_RETRY_BACKOFF_MAX, settings.TASK_RETRY_BACKOFF * 2**retries)
    return random.uniform(ceiling / 2, ceiling)


def max_attempts() -> int:
    # Retries, plus a few redeliveries of a message whose worker died (a message that kills its worker every
    # time must stop somewhere).
    return settings.TASK_MAX_RETRIES + 4


class Transient(Exception):
    """Raised by work that should be retried later (the network, a server that is down)."""


def run(
    task,
    model: type[OutboxItem],
    pk: int,
    work: Callable[[Any, bool], dict | None],
    *,
    transient: tuple[type[BaseException], ...] = (),
    atomic: bool = False,
) -> str:
    """Claim row `pk` and run `work(row, last_attempt)` on it, from inside a bound Celery task.

    `work` returns fields to store on the row with its completion. With `atomic`, the work and the completion
    share one transaction (a run that dies half-way leaves nothing behind). Errors in `transient` (and
    `Transient`) are retried with back-off up to TASK_MAX_RETRIES; any other error fails the row at once.
    Returns what happened, for logs and tests.
    """
    token = task.request.id or uuid.uuid4().hex
    item = claim(model, pk, token)
    if item is None:
        return "skipped"
    if item.attempts > max_attempts():
        fail(item, token, f"gave up after {item.attempts - 1} attempts")
        logger.error("%s %s: gave up after %s attempts", model.__name__, pk, item.attempts - 1)
        return "failed"
    retries = task.request.retries or 0
    last_attempt = retries >= settings.TASK_MAX_RETRIES
    try:
        if atomic:
            with transaction.atomic():
                fields = work(item, last_attempt) or {}
                if not complete(item, token, **fields):
                    transaction.set_rollback(True)
                    return "lost"
            return "done"
        fields = work(item, last_attempt) or {}
    except (Transient, SoftTimeLimitExceeded, *transient) as exc:
        if last_attempt:
            fail(item, token, exc)
            logger.error("%s %s failed for good: %s", model.__name__, pk, describe(exc))
            return "failed"
        delay = backoff(retries)
        release(item, token, exc, delay)
        logger.warning("%s %s: %s; retry in %.1f s", model.__name__, pk, describe(exc), delay)
        raise task.retry(exc=exc, countdown=delay, max_retries=settings.TASK_MAX_RETRIES) from exc
    except Exception as exc:
        fail(item, token, exc)
        logger.exception("%s %s failed", model.__name__, pk)
        return "failed"
    if not complete(item, token, **fields):
        logger.warning("%s %s: finished after its claim was taken over", model.__name__, pk)
        return "lost"
    return "done"


def enqueue(model: type[OutboxItem], pk: int, countdown: float | None = None) -> bool:
    """Send the row's task to the broker. Never raises: if the broker is down the row stays pending and the
    sweep enqueues it later."""
    try:
        model.task().apply_async((pk,), countdown=countdown or None)
    except Exception as exc:
        logger.warning("could not enqueue %s %s (the sweep will): %s", model.__name__, pk, describe(exc))
        return False
    return True


def enqueue_on_commit(model: type[OutboxItem], pk: int, countdown: float | None = None) -> None:
    transaction.on_commit(lambda: enqueue(model, pk, countdown))


def outbox_models() -> list[type[OutboxItem]]:
    return [model for model in apps.get_models() if issubclass(model, OutboxItem)]


def sweep_model(model: type[OutboxItem], batch: int = 500) -> tuple[int, int]:
    """Requeue stale claims and enqueue due rows of one model. Returns (stale claims released, rows sent)."""
    now = timezone.now()
    after = timedelta(seconds=settings.OUTBOX_SWEEP_AFTER if model.sweep_after is None else model.sweep_after)
    released = model.objects.stale(now - stale_after()).update(
        state=State.PENDING, available_at=now - after, claimed_by=""
    )
    due = list(model.objects.due(now - after).order_by("available_at").values_list("pk", flat=True)[:batch])
    if due:
        # Not again before another OUTBOX_SWEEP_AFTER, so a row whose message waits in a long queue is not
        # enqueued at every sweep.
        again = now + timedelta(seconds=settings.OUTBOX_SWEEP_AFTER) - after
        model.objects.filter(pk__in=due, state=State.PENDING).update(available_at=again)
    sent = sum(enqueue(model, pk) for pk in due)
    return released, sent


def sweep_all() -> dict[str, tuple[int, int]]:
    """Sweep every outbox model. Returns {model label: (stale claims released, rows enqueued)}."""
    report = {}
    for model in outbox_models():
        released, sent = sweep_model(model)
        if released or sent:
            logger.info(
                "sweep: %s: %s stale claims released, %s rows enqueued", model.__name__, released, sent
            )
        report[model._meta.label] = (released, sent)
    return report


@shared_task(name="forum.lib.outbox.sweep", ignore_result=True)
def sweep() -> None:
    sweep_all()  # it logs what it did; returning nothing keeps the worker's log quiet every minute

import logging
from datetime import timedelta

import pytest
import time_machine
from django.db import IntegrityError, transaction
from django.utils import timezone

from forum.celery import app as celery_app
from forum.lib import outbox
from forum.lib.outbox import State
from forum.spam.models import SpamCheck
from forum.spam.tasks import check_comment
from tests.factories import CommentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def row():
    return SpamCheck.objects.create(comment=CommentFactory(), key="check-1")


def test_claim_takes_a_pending_row(row):
    claimed = outbox.claim(SpamCheck, row.pk, "task-a")

    assert claimed.state == State.RUNNING
    assert claimed.claimed_by == "task-a"
    assert claimed.attempts == 1


def test_claim_refuses_a_row_another_task_holds(row):
    outbox.claim(SpamCheck, row.pk, "task-a")

    assert outbox.claim(SpamCheck, row.pk, "task-b") is None


def test_claim_lets_the_same_task_take_its_row_again_after_a_redelivery(row):
    outbox.claim(SpamCheck, row.pk, "task-a")

    claimed = outbox.claim(SpamCheck, row.pk, "task-a")

    assert claimed.attempts == 2


def test_claim_takes_over_a_stale_claim(row, settings):
    outbox.claim(SpamCheck, row.pk, "task-a")

    with time_machine.travel(timezone.now() + timedelta(seconds=settings.OUTBOX_STALE_AFTER + 1)):
        claimed = outbox.claim(SpamCheck, row.pk, "task-b")

    assert claimed.claimed_by == "task-b"


@pytest.mark.parametrize("state", [State.DONE, State.FAILED])
def test_claim_refuses_a_finished_row(row, state):
    SpamCheck.objects.filter(pk=row.pk).update(state=state)

    assert outbox.claim(SpamCheck, row.pk, "task-a") is None


def test_complete_needs_the_claim(row):
    claimed = outbox.claim(SpamCheck, row.pk, "task-a")

    assert outbox.complete(claimed, "task-b") is False
    assert outbox.complete(claimed, "task-a") is True
    assert SpamCheck.objects.get(pk=row.pk).state == State.DONE


def test_release_makes_the_row_due_after_the_delay(row):
    claimed = outbox.claim(SpamCheck, row.pk, "task-a")
    before = timezone.now()

    outbox.release(claimed, "task-a", ConnectionRefusedError("refused"), delay=30)

    row.refresh_from_db()
    assert row.state == State.PENDING
    assert row.last_error == "ConnectionRefusedError: refused"
    assert row.available_at >= before + timedelta(seconds=30)


@pytest.mark.parametrize("retries", [0, 1, 2, 5, 20])
def test_backoff_grows_exponentially_within_jitter_and_cap(settings, retries):
    settings.TASK_RETRY_BACKOFF = 10
    settings.TASK_RETRY_BACKOFF_MAX = 240
    ceiling = min(240, 10 * 2**retries)

    delays = [outbox.backoff(retries) for _ in range(50)]

    assert all(ceiling / 2 <= delay <= ceiling for delay in delays)
    assert len(set(delays)) > 1


def test_run_of_a_finished_row_does_nothing(row):
    SpamCheck.objects.filter(pk=row.pk).update(state=State.DONE, score=0.25)

    result = check_comment.apply(args=(row.pk,)).get()

    row.refresh_from_db()
    assert result == "skipped"
    assert row.score == 0.25
    assert row.attempts == 0


def test_run_gives_up_on_a_row_that_keeps_killing_its_worker(row, settings):
    SpamCheck.objects.filter(pk=row.pk).update(attempts=outbox.max_attempts())

    result = check_comment.apply(args=(row.pk,)).get()

    row.refresh_from_db()
    assert result == "failed"
    assert row.state == State.FAILED
    assert row.last_error == f"gave up after {outbox.max_attempts()} attempts"


def test_run_of_a_deleted_row_is_quiet():
    assert check_comment.apply(args=(987654,)).get() == "skipped"


def test_enqueue_survives_a_broker_that_is_down(row, monkeypatch, caplog):
    monkeypatch.setitem(celery_app.conf, "task_always_eager", False)
    monkeypatch.setitem(celery_app.conf, "broker_url", "redis://127.0.0.1:1/0")
    monkeypatch.setattr(celery_app, "_pool", None)
    monkeypatch.setattr(celery_app.amqp, "_producer_pool", None)

    with caplog.at_level(logging.WARNING, logger="forum.lib.outbox"):
        sent = outbox.enqueue(SpamCheck, row.pk)

    assert sent is False
    assert f"could not enqueue SpamCheck {row.pk} (the sweep will)" in caplog.text
    assert SpamCheck.objects.get(pk=row.pk).state == State.PENDING


def test_sweep_runs_rows_whose_task_never_ran(row, settings):
    later = timezone.now() + timedelta(seconds=settings.OUTBOX_SWEEP_AFTER + 1)

    with time_machine.travel(later):
        report = outbox.sweep_all()

    row.refresh_from_db()
    assert report["spam.SpamCheck"] == (0, 1)
    assert row.state == State.DONE


def test_sweep_leaves_rows_that_are_not_due_yet(row):
    report = outbox.sweep_all()

    assert report["spam.SpamCheck"] == (0, 0)
    assert SpamCheck.objects.get(pk=row.pk).state == State.PENDING


def test_sweep_requeues_the_claim_of_a_dead_worker(row, settings):
    outbox.claim(SpamCheck, row.pk, "dead-task")
    later = timezone.now() + timedelta(seconds=settings.OUTBOX_STALE_AFTER + 1)

    with time_machine.travel(later):
        report = outbox.sweep_all()

    row.refresh_from_db()
    assert report["spam.SpamCheck"] == (1, 1)
    assert row.state == State.DONE
    assert row.claimed_by != "dead-task"


def test_sweep_leaves_a_live_claim_alone(row):
    outbox.claim(SpamCheck, row.pk, "live-task")

    report = outbox.sweep_all()

    assert report["spam.SpamCheck"] == (0, 0)
    assert SpamCheck.objects.get(pk=row.pk).claimed_by == "live-task"


def test_requeue_makes_failed_rows_pending_again(row):
    SpamCheck.objects.filter(pk=row.pk).update(state=State.FAILED, last_error="boom")

    SpamCheck.objects.filter(pk=row.pk).requeue()

    row.refresh_from_db()
    assert row.state == State.PENDING
    assert row.finished_at is None


def test_sweep_task_sweeps(row, settings):
    with time_machine.travel(timezone.now() + timedelta(seconds=settings.OUTBOX_SWEEP_AFTER + 1)):
        outbox.sweep.apply()

    assert SpamCheck.objects.get(pk=row.pk).state == State.DONE


def test_record_once_creates_the_row():
    comment = CommentFactory()

    check, created = outbox.record_once(SpamCheck, {"comment": comment, "context": {"a": 1}}, key="k-1")

    assert created is True
    assert SpamCheck.objects.get(pk=check.pk).context == {"a": 1}


def test_record_once_returns_the_row_its_key_already_has(row):
    other = CommentFactory()

    check, created = outbox.record_once(SpamCheck, {"comment": other}, key=row.key)

    assert (check.pk, created) == (row.pk, False)
    assert SpamCheck.objects.get(pk=row.pk).comment_id == row.comment_id


def test_record_once_keeps_the_transaction_usable_after_a_taken_key(row):
    with transaction.atomic():
        outbox.record_once(SpamCheck, {"comment": row.comment}, key=row.key)
        outbox.record_once(SpamCheck, {"comment": row.comment}, key="k-2")

    assert sorted(SpamCheck.objects.values_list("key", flat=True)) == sorted([row.key, "k-2"])


def test_record_once_raises_what_breaks_another_constraint():
    with pytest.raises(IntegrityError):
        outbox.record_once(SpamCheck, {"comment": None}, key="k-3")

    assert not SpamCheck.objects.exists()

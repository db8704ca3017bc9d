"""`/healthz`: is this process able to serve? Checks the database, the cache and the broker."""

import logging
import uuid

from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from forum.celery import app

logger = logging.getLogger(__name__)


def check_database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return "ok"


def check_cache() -> str:
    key, value = "healthz", uuid.uuid4().hex
    cache.set(key, value, timeout=10)
    if cache.get(key) != value:
        raise RuntimeError("the cache did not return what was stored")
    return "ok"


def check_broker() -> str:
    if app.conf.task_always_eager:
        return "eager"
    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=2)
    return "ok"


CHECKS = {"database": check_database, "cache": check_cache, "broker": check_broker}


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    report, down = {}, []
    for name, check in CHECKS.items():
        try:
            report[name] = check()
        except Exception as exc:
            logger.warning("healthz: %s is down: %s", name, exc)
            report[name] = f"down: {exc.__class__.__name__}"
            down.append(name)
    report["status"] = "down" if down else "ok"
    if down:
        report["down"] = down
    return JsonResponse(report, status=503 if down else 200)

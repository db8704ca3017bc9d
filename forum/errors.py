"""The site's answer to an uncaught exception (`handler500`): 503 with a plain page while the database cannot
be reached, the usual 500 page otherwise.

A handler rather than a middleware, because the database is first touched outside the view too (the session
and the user, read by the page cache middleware); Django sends every uncaught exception here, wherever it was
raised. The 503 page is rendered without a request, so no context processor runs and nothing reads the
database. The connection that failed is dropped at the end of the request (Django closes connections that
saw errors) and CONN_HEALTH_CHECKS checks a persistent one before reuse, so the site recovers by itself once
the database is back.
"""

import sys

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, HttpResponseServerError
from django.template import loader
from django.views.decorators.csrf import requires_csrf_token

DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 30


def database_unavailable() -> HttpResponse:
    html = loader.render_to_string("503.html", {"site_name": settings.SITE_NAME})
    response = HttpResponse(html, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


@requires_csrf_token
def server_error(request: HttpRequest) -> HttpResponse:
    if isinstance(sys.exc_info()[1], DATABASE_UNAVAILABLE):
        return database_unavailable()
    return HttpResponseServerError(loader.render_to_string("500.html"))

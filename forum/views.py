"""Site-wide views that belong to no app."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.templatetags.static import static
from django.views.decorators.http import require_GET

FAVICON = "img/favicon.svg"


@require_GET
def favicon(request: HttpRequest) -> HttpResponse:
    """`/favicon.ico`, which browsers and crawlers ask for whatever the page links: the SVG icon. Temporary,
    so that a cached redirect never outlives the hashed static name it points to."""
    return redirect(static(FAVICON))

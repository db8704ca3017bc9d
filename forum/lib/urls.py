"""One reverse() for the URLs of many objects."""

from django.urls import reverse

# A pk no object has, placed by reverse() where each object's own pk goes.
_MARKER = 918273645


class UrlForPk:
    """The URL of one route for any pk: the route is reversed once, with a marker in the place of `pk`, and
    each object's URL is that string with its pk in place. A page with a thousand comments builds its links
    from a dozen reverse() calls, not thousands; the URLconf stays the one source of the paths."""

    def __init__(self, name: str, **kwargs) -> None:
        self.prefix, self.suffix = reverse(name, kwargs={**kwargs, "pk": _MARKER}).split(str(_MARKER))

    def __call__(self, pk: int) -> str:
        return f"{self.prefix}{int(pk)}{self.suffix}"

"""A minimal Django project with django-comments-xtd (installed from PyPI), rendering the benchmark's tree."""

"""WSGI entry point: ``gongkai.wsgi:application`` (Django's, with the page cache's hits answered before
it: :mod:`gongkai.core.pagehits`)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongkai.settings")

django_application = get_wsgi_application()

from gongkai.core.pagehits import PageHits  # noqa: E402  (its models need the apps loaded, just above)

application = PageHits(django_application)

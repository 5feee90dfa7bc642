"""WSGI entry point: ``gongkai.wsgi:application`` (Django's, with the page cache's hits answered before
it: :mod:`gongkai.core.pagehits`)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongkai.settings")

from gongkai.core.pagehits import PageHits  # noqa: E402  (after the settings module is named)

application = PageHits(get_wsgi_application())

"""WSGI entry point: ``gongkai.wsgi:application`` (Django's, with the page cache's hits answered before
it: :mod:`gongkai.core.pagehits`). The site is loaded whole — with what a worker's first requests would load
(:func:`gongkai.core.serving.warm_up`) — and its objects frozen out of the garbage collector's sight
(:func:`gongkai.core.serving.settle_heap`): in a preloading server's master, before its workers are forked."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongkai.settings")

django_application = get_wsgi_application()

from gongkai.core.pagehits import PageHits  # noqa: E402  (its models need the apps loaded, just above)
from gongkai.core.serving import settle_heap, warm_up  # noqa: E402

application = PageHits(django_application)
warm_up()
settle_heap()

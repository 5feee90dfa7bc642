from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from gongkai.documents import isolated


class CatalogueConfig(AppConfig):
    name = "gongkai.catalogue"
    label = "catalogue"
    verbose_name = _("主动公开目录")

    def ready(self) -> None:
        # The reading runs in a child of the fork server: have the server import it once.
        isolated.preload("gongkai.catalogue.extract")
        from gongkai.catalogue.indexing import rebuild_search_vectors
        from gongkai.core.backup import restored

        restored.connect(rebuild_search_vectors, dispatch_uid="catalogue.search_vectors")
        from gongkai.catalogue import totals

        # The column's counters and the public pages' version follow every public change.
        totals.connect()
        restored.connect(totals.restored, dispatch_uid="catalogue.totals")

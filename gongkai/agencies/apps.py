from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AgenciesConfig(AppConfig):
    name = "gongkai.agencies"
    label = "agencies"
    verbose_name = _("机关与人员")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from gongkai.agencies.models import Agency
        from gongkai.core import pagecache

        # Every public page names agencies (the column, its 指南's contact data, the tree of /gk/, the API):
        # a change of an agency bumps the version of the public pages in its own transaction.
        post_save.connect(pagecache.bump_on_signal, sender=Agency, dispatch_uid="agencies.pagecache.save")
        post_delete.connect(pagecache.bump_on_signal, sender=Agency, dispatch_uid="agencies.pagecache.delete")

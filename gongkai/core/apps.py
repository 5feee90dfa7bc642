from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "gongkai.core"
    label = "core"
    verbose_name = _("基础")

    def ready(self) -> None:
        from gongkai.core import checks  # noqa: F401  (registers the deploy checks)
        from gongkai.core.storage import connect_file_cleanup

        connect_file_cleanup()
        from gongkai.core import pagecache
        from gongkai.core.backup import restored

        # A restore replaces what the public pages show: every cached page is old.
        restored.connect(pagecache.after_restore, dispatch_uid="core.pagecache.restored")

from importlib import import_module

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "gongkai.accounts"
    verbose_name = _("账号安全")

    def ready(self) -> None:
        # The receivers that audit logins, logouts, failures and lockouts import the models, so they are
        # loaded once the app registry is ready; importing them connects them.
        import_module(f"{self.name}.receivers")

"""The second-factor devices are changed only through the audited pages (one's own account page, the
agency administrator's reset, ``gongkai unlock --reset-2fa``): django-otp's own admin pages, which would
change them unaudited, are taken off the admin site."""

from __future__ import annotations

from django.contrib import admin
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

for model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(model):
        admin.site.unregister(model)

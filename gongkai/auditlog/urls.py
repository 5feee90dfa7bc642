"""The readable audit log (mounted at /audit/)."""

from django.urls import path

from gongkai.auditlog import views

app_name = "auditlog"

urlpatterns = [
    path("", views.log, name="log"),
    path("export.<str:file_format>", views.export, name="export"),
]

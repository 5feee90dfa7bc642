"""The readable audit log (mounted at /audit/)."""


app_name = "auditlog"

urlpatterns: list[object] = []

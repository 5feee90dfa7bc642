from django.urls import path

from gongkai.accounts import views

app_name = "accounts"

urlpatterns = [
    path("security/", views.security, name="security"),
    path("2fa/verify/", views.verify, name="verify"),
    path("2fa/setup/", views.totp_start, name="totp_start"),
    path("2fa/setup/<int:pk>/", views.totp_confirm, name="totp_confirm"),
    path("2fa/recovery-codes/", views.recovery_codes, name="recovery_codes"),
    path("2fa/remove/", views.remove_device, name="remove_device"),
    path("password_change/", views.PasswordChangeView.as_view(), name="password_change"),
    path("password_change/done/", views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("password_reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path("password_reset/done/", views.PasswordResetDoneView.as_view(), name="password_reset_done"),
]

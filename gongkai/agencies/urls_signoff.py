"""The agency's sign-off setting (mounted at /signoff/)."""

from django.urls import path

from gongkai.agencies import views_signoff as views

app_name = "signoff"

urlpatterns = [
    path("", views.index, name="index"),
    path("<slug:short_code>/", views.edit, name="edit"),
]

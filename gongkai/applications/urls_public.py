"""Public URLs (mounted at the site root): the online application, the status lookup, the calculator."""

from django.urls import path

from gongkai.applications import views_public

app_name = "public"

urlpatterns = [
    path("apply/", views_public.apply, name="apply"),
    path("apply/receipt/<str:code>/", views_public.receipt, name="receipt"),
    path("apply/status/", views_public.status_lookup, name="status"),
    path("apply/status/exit/", views_public.status_exit, name="status_exit"),
    path("apply/status/<str:code>/", views_public.status_detail, name="status_detail"),
    path(
        "apply/status/<str:code>/letters/<int:letter_pk>/", views_public.status_letter, name="status_letter"
    ),
    path("deadline/", views_public.deadline, name="deadline"),
]

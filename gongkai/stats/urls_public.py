"""The public figures in each agency's column (mounted at /gk/)."""

from django.urls import path

from gongkai.stats import views

app_name = "stats_public"

urlpatterns = [
    # The 统计 part of the catalogue's column (gongkai.catalogue.presenters_public.PARTS).
    path("<slug:short_code>/statistics/", views.public, name="column"),
]

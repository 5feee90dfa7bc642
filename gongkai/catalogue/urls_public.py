"""Public URLs of the catalogue (mounted at ``gk/``): the agencies' columns, the open-data API and feeds."""

from django.urls import path

from gongkai.catalogue import api, feeds, views_public

app_name = "catalogue_public"

urlpatterns = [
    path("", views_public.index, name="index"),
    # The API first: an agency whose short code is "api" would otherwise shadow it.
    path("api/items/", api.items, name="api_items"),
    path("api/items/<int:pk>/", api.item, name="api_item"),
    path("api/agencies/", api.agencies, name="api_agencies"),
    path("api/openapi.json", api.openapi_json, name="api_openapi"),
    path("search/", views_public.search, name="search"),
    path("<slug:short_code>/", views_public.column, name="column"),
    path("<slug:short_code>/guide/", views_public.guide, name="guide"),
    path("<slug:short_code>/rules/", views_public.rules, name="rules"),
    path("<slug:short_code>/catalogue/", views_public.catalogue, name="catalogue"),
    path("<slug:short_code>/policies/", views_public.policies, name="policies"),
    path("<slug:short_code>/columns/", views_public.columns, name="columns"),
    path("<slug:short_code>/columns/areas/<slug:code>/", views_public.area, name="area"),
    path("<slug:short_code>/columns/topics/<slug:code>/", views_public.topic, name="topic"),
    path("<slug:short_code>/apply/", views_public.apply, name="apply"),
    path("<slug:short_code>/items/<int:pk>/", views_public.item, name="item"),
    path(
        "<slug:short_code>/items/<int:pk>/files/<int:attachment_pk>/",
        views_public.attachment,
        name="attachment",
    ),
    path("<slug:short_code>/feed.rss", feeds.rss_feed, name="feed_rss"),
    path("<slug:short_code>/feed.atom", feeds.atom_feed, name="feed_atom"),
]

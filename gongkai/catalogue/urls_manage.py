"""Catalogue workspace URLs (mounted at /manage/catalogue/)."""

from django.urls import path

from gongkai.catalogue import views_corrections, views_import
from gongkai.catalogue import views_manage as views

app_name = "catalogue_manage"

urlpatterns = [
    path("", views.item_list, name="list"),
    path("new/", views.item_new, name="new"),
    path("words/", views.words, name="words"),
    path("import/", views_import.import_start, name="import"),
    path("import/crawl/", views_import.crawl_start, name="crawl"),
    path("import/<uuid:job_id>/", views_import.import_result, name="import_result"),
    path("import/<uuid:job_id>/confirm/", views_import.import_confirm, name="import_confirm"),
    path("areas/", views.areas, name="areas"),
    path("words/<int:pk>/delete/", views.word_delete, name="word_delete"),
    path("<int:pk>/", views.item_detail, name="detail"),
    path("<int:pk>/edit/", views.item_edit, name="edit"),
    path("<int:pk>/mask/", views.item_mask, name="mask"),
    path("<int:pk>/acknowledge/", views.item_acknowledge, name="acknowledge"),
    path("<int:pk>/attachments/", views.attachment_add, name="attach"),
    path("<int:pk>/attachments/<int:attachment_pk>/", views.attachment_download, name="attachment"),
    path("<int:pk>/attachments/<int:attachment_pk>/remove/", views.attachment_remove, name="detach"),
    path("<int:pk>/attachments/<int:attachment_pk>/read/", views.attachment_reread, name="reread"),
    path("<int:pk>/attachments/<int:attachment_pk>/redact/", views.attachment_redact, name="redact"),
    path("<int:pk>/print/review/", views.print_review, name="print_review"),
    path("<int:pk>/print/register/", views.print_register, name="print_register"),
    path("<int:pk>/correct/", views_corrections.item_correct, name="correct"),
    path("<int:pk>/versions/<int:number>/", views_corrections.item_version, name="version"),
    # One URL per step of workflow.STEPS (submit, review_pass, …); others are 404.
    path("<int:pk>/<slug:action>/", views.item_act, name="act"),
]

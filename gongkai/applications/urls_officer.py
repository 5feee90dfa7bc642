"""Officer workspace URLs (mounted at /cases/)."""

from django.urls import path

from gongkai.applications import views_amend, views_case_file
from gongkai.applications import views_officer as views

app_name = "cases"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("export.csv", views.export_csv, name="export"),
    path("new/", views.register, name="new"),
    path("frequent/", views.frequent, name="frequent"),
    path("<int:pk>/", views.case_detail, name="detail"),
    path("<int:pk>/applicant/", views.applicant, name="applicant"),
    path("<int:pk>/letters/<int:letter_pk>/", views.letter, name="letter"),
    path("<int:pk>/letters/<int:letter_pk>/render/", views.render_letter_again, name="render_letter"),
    path("<int:pk>/appeals/<int:appeal_pk>/conclude/", views.conclude_appeal, name="conclude_appeal"),
    path("<int:pk>/approvals/<int:approval_pk>/", views.approval, name="approval"),
    path("<int:pk>/approvals/<int:approval_pk>/approve/", views.approve, name="approve"),
    path("<int:pk>/approvals/<int:approval_pk>/return/", views.return_approval, name="return_approval"),
    # The case file (案卷): files, deliveries (送达), the .zip export.
    path("<int:pk>/attachments/", views_case_file.upload, name="attachment_upload"),
    path("<int:pk>/attachments/<int:attachment_pk>/", views_case_file.download, name="attachment"),
    path(
        "<int:pk>/attachments/<int:attachment_pk>/remove/", views_case_file.remove, name="attachment_remove"
    ),
    path("<int:pk>/deliveries/", views_case_file.record_delivery, name="delivery"),
    path("<int:pk>/case-file.zip", views_case_file.export, name="case_file_export"),
    path("<int:pk>/correct/details/", views_amend.correct_details, name="correct_details"),
    path("<int:pk>/correct/outcome/", views_amend.correct_outcome, name="correct_outcome"),
    # One URL per step of timeline.ACTIONS (confirm_receipt, request_correction, …); others are 404.
    path("<int:pk>/<slug:action>/", views.act, name="act"),
]

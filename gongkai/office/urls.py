from django.urls import path

from gongkai.office import views

app_name = "office"

urlpatterns = [
    path("workbench/", views.workbench_page, name="workbench"),
    path("notifications/", views.notifications_page, name="notifications"),
    path("proactive/from-case/<int:case_pk>/", views.propose_from_case, name="propose_from_case"),
    path("office/", views.office_index, name="index"),
    path("office/<slug:short_code>/", views.staff, name="staff"),
    path("office/<slug:short_code>/invite/", views.invite, name="invite"),
    path("office/<slug:short_code>/contact/", views.contact, name="contact"),
    path("office/<slug:short_code>/report-column/", views.report_column, name="report_column"),
    path("office/<slug:short_code>/letters/", views.letters, name="letters"),
    path("office/<slug:short_code>/people/<int:user_pk>/", views.member, name="member"),
    path("office/<slug:short_code>/people/<int:user_pk>/deactivate/", views.deactivate, name="deactivate"),
    path("office/<slug:short_code>/people/<int:user_pk>/resend/", views.resend, name="resend"),
    path("office/<slug:short_code>/people/<int:user_pk>/send-reset/", views.send_reset, name="send_reset"),
    path("office/<slug:short_code>/people/<int:user_pk>/unlock/", views.unlock, name="unlock"),
    path(
        "office/<slug:short_code>/people/<int:user_pk>/reset-2fa/", views.reset_two_factor, name="reset_2fa"
    ),
    path("office/<slug:short_code>/people/<int:user_pk>/revoke/<str:role>/", views.revoke, name="revoke"),
]

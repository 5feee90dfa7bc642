from django.urls import path

from gongkai.annual import views

app_name = "annual"

urlpatterns = [
    path("", views.index, name="index"),
    path("open/", views.open_report, name="open"),
    path("<slug:short_code>/<int:year>/", views.workspace, name="workspace"),
    path("<slug:short_code>/<int:year>/refresh/", views.refresh, name="refresh"),
    path("<slug:short_code>/<int:year>/sections/", views.save_sections, name="sections"),
    path("<slug:short_code>/<int:year>/hand/", views.hand_entry, name="hand"),
    path("<slug:short_code>/<int:year>/check/", views.check, name="check"),
    path("<slug:short_code>/<int:year>/acknowledge/", views.acknowledge, name="acknowledge"),
    path("<slug:short_code>/<int:year>/change-note/", views.change_note, name="change_note"),
    path("<slug:short_code>/<int:year>/publish/", views.publish, name="publish"),
    path("<slug:short_code>/<int:year>/return/", views.return_draft, name="return"),
    path("<slug:short_code>/<int:year>/correct/", views.correct, name="correct"),
    path("<slug:short_code>/<int:year>/discard/", views.discard, name="discard"),
    path("<slug:short_code>/<int:year>/previous/", views.import_previous, name="previous"),
    path("<slug:short_code>/<int:year>/report.<str:suffix>", views.export_file, name="export"),
    path("<slug:short_code>/<int:year>/cell/<str:table>/<str:row>/<str:column>/", views.cell, name="cell"),
]

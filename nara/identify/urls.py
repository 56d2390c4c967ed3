from django.urls import path

from nara.identify import upload, views

app_name = "identify"
urlpatterns = [
    path("", views.risk_list, name="list"),
    path("oppna/", views.open_row, name="open"),
    path("export/", views.export, name="export"),
    path("person/<uuid:person_id>/", views.person, name="person"),
    path("statistik/", views.statistics, name="statistics"),
    path("importer/", upload.upload, name="upload"),
    path("importer/<id:pk>/", upload.upload_status, name="upload_status"),
    path("importer/<id:pk>/forlopp/", upload.upload_progress, name="upload_progress"),
    path("importer/<id:pk>/felrapport/", upload.upload_report, name="upload_report"),
]

from django.urls import path

from nara.identify import views

app_name = "identify"
urlpatterns = [
    path("", views.risk_list, name="list"),
    path("oppna/", views.open_row, name="open"),
    path("export/", views.export, name="export"),
    path("person/<uuid:person_id>/", views.person, name="person"),
    path("statistik/", views.statistics, name="statistics"),
]

from django.urls import path

from nara.audit import views

app_name = "audit"
urlpatterns = [
    path("", views.review, name="review"),
    path("person/", views.choose_person, name="choose_person"),
    path("kontroller/", views.spot_checks, name="spot_checks"),
    path("utdrag/<uuid:person_id>/", views.extract, name="extract"),
    path("utdrag/<uuid:person_id>/utskrift/", views.extract_print, name="extract_print"),
]

from django.urls import path

from nara.people import views

app_name = "people"
urlpatterns = [
    path("", views.search, name="search"),
    path("<uuid:person_id>/", views.overview, name="overview"),
    path("<uuid:person_id>/<slug:slug>/", views.record_list, name="records"),
    path("<uuid:person_id>/<slug:slug>/<id:pk>/", views.record_edit, name="record_edit"),
]

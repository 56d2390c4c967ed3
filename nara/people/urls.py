from django.urls import path

from nara.people import views

app_name = "people"
urlpatterns = [
    path("", views.search, name="search"),
    path("<uuid:person_id>/", views.overview, name="overview"),
]

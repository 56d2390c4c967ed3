from django.urls import path

from nara.directory import views

app_name = "directory"
urlpatterns = [
    path("", views.start, name="start"),
    path("uppdrag/", views.choose_assignment, name="choose_assignment"),
]

from django.urls import path

from nara.audit import views

app_name = "audit"
urlpatterns = [
    path("", views.review, name="review"),
]

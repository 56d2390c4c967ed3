from django.urls import path

from nara.access import views

app_name = "access"
urlpatterns = [
    path("nodatkomst/uppfoljning/", views.emergency_followup, name="emergency_followup"),
]

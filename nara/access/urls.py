from django.urls import path

from nara.access import views

app_name = "access"
urlpatterns = [
    path("<uuid:person_id>/samtycken/", views.consents, name="consents"),
    path("<uuid:person_id>/samtycken/<id:pk>/", views.consent_edit, name="consent_edit"),
    path("<uuid:person_id>/sparrar/", views.blocks, name="blocks"),
    path("<uuid:person_id>/nodatkomst/", views.emergency, name="emergency"),
    path("nodatkomst/<id:ea_id>/avsluta/", views.emergency_close, name="emergency_close"),
    path("nodatkomst/uppfoljning/", views.emergency_followup, name="emergency_followup"),
]

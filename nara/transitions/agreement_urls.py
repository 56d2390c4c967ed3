"""Agreements, day prices and the monthly statements of payment days (agreements area)."""

from django.urls import path

from nara.transitions import agreement_views as views
from nara.transitions import statement_views

urlpatterns = [
    path("overenskommelser/", views.agreement_list, name="agreements"),
    path("overenskommelser/ny/", views.agreement_new, name="agreement_new"),
    path("overenskommelser/dagpriser/", views.day_prices, name="day_prices"),
    path("overenskommelser/dagpriser/<id:pk>/", views.day_price_edit, name="day_price_edit"),
    path("overenskommelser/<id:pk>/", views.agreement_detail, name="agreement_detail"),
    path("overenskommelser/<id:pk>/andra/", views.agreement_edit, name="agreement_edit"),
    path("overenskommelser/<id:pk>/uppfoljning/ny/", views.rule_new, name="rule_new"),
    path("overenskommelser/<id:pk>/uppfoljning/<id:rule_pk>/", views.rule_edit, name="rule_edit"),
    path("betalningsansvar/", statement_views.statement_index, name="statements"),
    path(
        "betalningsansvar/<id:municipality_id>/", statement_views.statement_summary, name="statement_summary"
    ),
    path("betalningsansvar/<id:municipality_id>/<month:month>/", statement_views.statement, name="statement"),
    path(
        "betalningsansvar/<id:municipality_id>/<month:month>/utskrift/",
        statement_views.statement_print,
        name="statement_print",
    ),
    path(
        "betalningsansvar/<id:municipality_id>/<month:month>/csv/",
        statement_views.statement_csv,
        name="statement_csv",
    ),
    path(
        "betalningsansvar/<id:municipality_id>/<month:month>/stang/",
        statement_views.statement_close,
        name="statement_close",
    ),
]

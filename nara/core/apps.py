from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "nara.core"
    label = "core"

    def ready(self):
        from django.urls import register_converter

        from nara.core.converters import IdConverter, MonthConverter

        register_converter(IdConverter, "id")
        register_converter(MonthConverter, "month")
        _choice_errors_never_echo_the_value()


def _choice_errors_never_echo_the_value() -> None:
    """Django's ChoiceField says "Välj ett giltigt alternativ. <value> finns inte …": whatever was posted (a
    personnummer typed into a filter, say) comes back on the page. Ours name no value."""
    from django import forms
    from django.utils.translation import gettext_lazy as _

    message = _("Välj ett av alternativen i listan.")
    for field in (forms.ChoiceField, forms.MultipleChoiceField, forms.ModelMultipleChoiceField):
        field.default_error_messages = {**field.default_error_messages, "invalid_choice": message}

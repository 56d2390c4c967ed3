from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "nara.core"
    label = "core"

    def ready(self):
        from django.urls import register_converter

        from nara.core.converters import IdConverter, MonthConverter

        register_converter(IdConverter, "id")
        register_converter(MonthConverter, "month")

from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "nara.core"
    label = "core"

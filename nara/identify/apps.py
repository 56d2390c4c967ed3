from django.apps import AppConfig


class IdentifyConfig(AppConfig):
    name = "nara.identify"
    label = "identify"

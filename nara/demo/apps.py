from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "nara.demo"
    label = "demo"

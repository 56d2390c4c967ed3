from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    name = "nara.directory"
    label = "directory"

    def ready(self):
        from nara.directory import signin  # noqa: F401 - connects the failed-sign-in log receiver

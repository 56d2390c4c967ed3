from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    name = "nara.directory"
    label = "directory"

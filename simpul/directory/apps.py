from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    name = "simpul.directory"
    label = "directory"
    verbose_name = "Directory"

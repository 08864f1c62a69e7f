from django.apps import AppConfig


class ChildrenConfig(AppConfig):
    name = "simpul.children"
    label = "children"
    verbose_name = "Children"

from django.apps import AppConfig


class CoalitionConfig(AppConfig):
    name = "habeas.coalition"
    label = "coalition"
    verbose_name = "Coalition"

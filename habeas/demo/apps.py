from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "habeas.demo"
    label = "demo"
    verbose_name = "Demo"

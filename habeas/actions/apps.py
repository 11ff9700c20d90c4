from django.apps import AppConfig


class ActionsConfig(AppConfig):
    name = "habeas.actions"
    label = "actions"
    verbose_name = "Actions"

from django.apps import AppConfig


class FundConfig(AppConfig):
    name = "habeas.fund"
    label = "fund"
    verbose_name = "Defence fund"

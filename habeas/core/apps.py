from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "habeas.core"
    label = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        # Registers the deploy checks, and connects the receiver that
        # forgets finished tasks, in every process.
        from habeas.core import checks, tasks  # noqa: F401

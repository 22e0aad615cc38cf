from django.apps import AppConfig


class ServiceConfig(AppConfig):
    name = "service"
    label = "service"

    def ready(self) -> None:
        from .api import tokens  # noqa: F401  (revokes a user's tokens on a password change or deactivation)

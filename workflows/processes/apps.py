from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProcessesConfig(AppConfig):
    name = "workflows.processes"
    label = "processes"
    verbose_name = _("Processes")
    default_auto_field = "django.db.models.BigAutoField"

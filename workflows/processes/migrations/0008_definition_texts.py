"""Definitions keep their elements' names and documentation in other languages (read from their files)."""
from django.db import migrations, models


def read_texts(apps, schema_editor):
    from workflows.engine.localization import localized_texts
    from workflows.engine.xml import parse_xml

    definition_model = apps.get_model("processes", "ProcessDefinition")
    for definition in definition_model.objects.only("id", "key", "deployment_id").iterator():
        roots = []
        for stored in definition.deployment.files.all():
            if stored.name.lower().endswith(".bpmn") or stored.name.lower().endswith(".xml"):
                root = parse_xml(stored.content.encode("utf-8"), stored.name).getroot()
                roots += [e if e.tag.endswith("process") else root for e in root if e.get("id") == definition.key]
        texts = localized_texts(roots)
        if texts:
            definition_model.objects.filter(pk=definition.pk).update(texts=texts)


class Migration(migrations.Migration):
    dependencies = [("processes", "0007_extension_audit")]

    operations = [
        migrations.AddField(
            model_name="processdefinition", name="texts",
            field=models.JSONField(blank=True, default=dict,
                                   help_text="element id -> locale -> name/documentation in other languages"),
        ),
        migrations.RunPython(read_texts, migrations.RunPython.noop),
    ]

# Plain indexes only (no varchar_pattern_ops copies); none duplicated by a composite index on the same leading column.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('org', '0001_initial'),
        ('processes', '0004_audit_chain'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name='auditevent',
            name='action',
            field=models.CharField(choices=[('definition.deployed', 'Definition deployed'), ('instance.started', 'Instance started'), ('instance.suspended', 'Instance suspended'), ('instance.resumed', 'Instance resumed'), ('instance.terminated', 'Instance terminated'), ('instance.completed', 'Instance completed'), ('instance.retried', 'Incident retried'), ('instance.incident', 'Incident raised'), ('task.created', 'Task created'), ('task.claimed', 'Task claimed'), ('task.unclaimed', 'Task released'), ('task.delegated', 'Task delegated'), ('task.reassigned', 'Task reassigned'), ('task.attached', 'Evidence attached'), ('escalation.acknowledged', 'Escalation acknowledged'), ('escalation.chased', 'Escalation chased'), ('definition.activated', 'Definition version activated'), ('task.draft_saved', 'Draft saved'), ('task.completed', 'Task completed'), ('task.cancelled', 'Task cancelled'), ('timer.fired', 'Timer fired'), ('escalation.raised', 'Escalation raised'), ('event.delivered', 'Message or signal delivered')], max_length=32, verbose_name='action'),
        ),
        migrations.AlterField(
            model_name='auditevent',
            name='instance_id',
            field=models.BigIntegerField(blank=True, null=True),
        ),
        migrations.AlterField(
            model_name='escalation',
            name='instance',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='escalations', to='processes.processinstance'),
        ),
        migrations.AlterField(
            model_name='escalation',
            name='level',
            field=models.CharField(choices=[('reminder', 'Reminder'), ('chase', 'Chase'), ('supervise', 'Supervise')], max_length=16, verbose_name='level'),
        ),
        migrations.AlterField(
            model_name='escalation',
            name='target_unit',
            field=models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='escalations', to='org.unit', verbose_name='target unit'),
        ),
        migrations.AlterField(
            model_name='humantask',
            name='instance',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='human_tasks', to='processes.processinstance'),
        ),
        migrations.AlterField(
            model_name='processinstance',
            name='business_key',
            field=models.CharField(blank=True, max_length=200, verbose_name='business key'),
        ),
        migrations.AlterField(
            model_name='processinstance',
            name='definition',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='instances', to='processes.processdefinition'),
        ),
        migrations.AlterField(
            model_name='processinstance',
            name='status',
            field=models.CharField(choices=[('running', 'Running'), ('waiting', 'Waiting'), ('completed', 'Completed'), ('suspended', 'Suspended'), ('terminated', 'Terminated'), ('error', 'Error')], max_length=16, verbose_name='status'),
        ),
        migrations.AddIndex(
            model_name='auditevent',
            index=models.Index(fields=['action'], name='audit_action'),
        ),
        migrations.AddIndex(
            model_name='escalation',
            index=models.Index(fields=['level'], name='escalation_level'),
        ),
        migrations.AddIndex(
            model_name='processinstance',
            index=models.Index(fields=['status'], name='instance_status'),
        ),
        migrations.AddIndex(
            model_name='processinstance',
            index=models.Index(fields=['business_key'], name='instance_business_key'),
        ),
    ]

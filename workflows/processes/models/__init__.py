from .attachments import Attachment
from .audit import AuditAction, AuditChainHead, AuditEvent
from .definitions import Deployment, DeploymentFile, ProcessDefinition, StartTrigger
from .instances import EventSubscription, Incident, InstanceStatus, ProcessInstance
from .messages import KeptMessage
from .tasks import Escalation, EscalationLevel, HumanTask, HumanTaskState

__all__ = [
    "Attachment", "AuditAction", "AuditChainHead", "AuditEvent", "Deployment", "DeploymentFile", "Escalation",
    "EscalationLevel",
    "EventSubscription", "HumanTask", "HumanTaskState", "Incident", "InstanceStatus", "KeptMessage",
    "ProcessDefinition", "ProcessInstance", "StartTrigger",
]

"""Signals other apps listen to (so processes never imports them)."""
from django.dispatch import Signal

# Sent inside the step's transaction when an instance reaches completed or terminated.
# kwargs: instance (ProcessInstance), status (str)
instance_finished = Signal()

"""The script sandbox: BPMN scripts, conditions and expressions run in a pooled child process.

``names`` and ``compiler`` say what a script may name and how its source is refused or compiled;
``child`` is the child's loop (run with CPU, memory and wall-clock limits); ``pool`` is the parent's
side, which starts the child, sends it work, and stops it when a limit is passed. ``protocol`` is
what they say to each other. The child imports only the standard library and RestrictedPython.
"""

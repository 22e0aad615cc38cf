"""What the script sandbox costs: a round trip to its child, and a process start that evaluates three timers.

Prints p50/p95 of one expression and one script in the sandbox, the same compiled code run in this
process (no limits: what scripts cost before the sandbox), and their ratio; then the start of the
shipped quarterly_report (three timer expressions: reminder, due, supervise) in memory. No database.
Run: .venv/bin/python -m benchmarks.script_sandbox [repeat]
"""
from __future__ import annotations

import datetime as dt
import sys

from benchmarks.harness import ROOT, line, p, timed

CONTEXT = {"school": "wenqiao", "answers": {f"item_{n}": {"done": n % 3, "note": "按期推进"} for n in range(20)},
           "approved": True, "amount": 120}
EXPRESSION = "approved and amount > 100"
SCRIPT = "done = sum(1 for a in answers.values() if a['done'])\nlate = done < 10"


def _in_process(mode: str, source: str):
    from workflows.engine.sandbox.child import run

    return lambda: run(mode, source, dict(CONTEXT), None)


def _sandboxed(mode: str, source: str):
    from workflows.engine.sandbox.pool import sandbox_for

    sandbox = sandbox_for(256)
    return lambda: sandbox.run(mode, source, dict(CONTEXT), None, 2.0)


def _report_start():
    from workflows.engine import compile_package

    compiled = compile_package({"quarterly_report.bpmn": (ROOT / "bpmn" / "quarterly_report.bpmn").read_bytes()})
    from workflows.engine import Process

    process = Process(compiled.processes[0].spec, compiled.processes[0].dialect)
    soon = dt.datetime.now(dt.UTC) + dt.timedelta(days=3)
    data = {"reminder_at": soon.isoformat(), "due_at": (soon + dt.timedelta(days=2)).isoformat(),
            "supervise_at": (soon + dt.timedelta(days=4)).isoformat()}
    return lambda: process.start(dict(data))


def main(repeat: int) -> None:
    for label, mode, source in (("expression", "eval", EXPRESSION), ("script", "exec", SCRIPT)):
        _sandboxed(mode, source)()  # the child starts once per process
        inside = timed(_in_process(mode, source), repeat)
        sandboxed = timed(_sandboxed(mode, source), repeat)
        print(line(f"{label}, in this process (no limits)", inside))
        print(line(f"{label}, in the sandbox", sandboxed))
        print(f"  ratio sandbox / in process (p50): {p(sandboxed, 50) / p(inside, 50):.1f}")
    start = _report_start()
    start()
    print(line("quarterly_report start (3 timer expressions)", timed(start, max(repeat // 10, 50))))


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 2000)

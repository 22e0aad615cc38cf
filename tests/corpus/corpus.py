"""Read the third-party BPMN corpus in place (never copied into the project)."""
from __future__ import annotations

import csv
import os
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(os.environ.get("DUBAN_BPMN_CORPUS", Path(__file__).resolve().parents[3] / "shared" / "bpmn-corpus"))
MISSING = f"the BPMN corpus is not at {ROOT} (set DUBAN_BPMN_CORPUS to its folder)"


@dataclass(frozen=True)
class Entry:
    id: str
    repo: str
    run_result: str
    run_detail: str
    deps: tuple[str, ...]

    def files(self) -> dict[str, bytes]:
        """The file and the files it needs, named by their corpus ids."""
        folder = self.id.split("/", 1)[0]
        names = [self.id] + [f"{folder}/{dep.replace('/', '__')}" for dep in self.deps]
        return {name: (ROOT / name).read_bytes() for name in names}

    def run_keys(self) -> list[str]:
        """Process (or collaboration) ids the baseline run names in run_detail."""
        keys = []
        for part in self.run_detail.split(";"):
            head = part.split(":", 1)[0].strip()
            if head and not head.startswith("forced"):
                keys.append(head.removeprefix("collaboration ").strip())
        return keys


def entries() -> list[Entry]:
    if not (ROOT / "MANIFEST.tsv").exists():
        return []
    with open(ROOT / "MANIFEST.tsv", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))
    return [Entry(id=r["id"], repo=r["repo"], run_result=r["run_result"], run_detail=r["run_detail"],
                  deps=tuple(d for d in r["deps"].split("|") if d)) for r in rows]

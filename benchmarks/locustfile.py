"""Locust users for benchmarks.http_load: each is one liaison with its own API token and its own open tasks.

A user reads its inbox's first page three times for every completion of a task from that page, with no pause
between requests unless the configuration asks for one. benchmarks.http_load writes the configuration (tokens,
inbox URL, wait) to a JSON file and names it in DUBAN_BENCH_LOCUST; run that module rather than this file. The
failures (by request and error) are written at the end to the file the configuration names.
"""
from __future__ import annotations

import itertools
import json
import os
from pathlib import Path

from locust import FastHttpUser, constant, events, task

CONFIG = json.loads(Path(os.environ["DUBAN_BENCH_LOCUST"]).read_text())
_seats = itertools.count()


@events.quitting.add_listener
def write_failures(environment, **kwargs) -> None:
    failures = [{"request": f"{e['method']} {e['name']}", "error": str(e["error"]), "count": e["occurrences"]}
                for e in environment.stats.serialize_errors().values()]
    failures += [{"request": "(the locust user's code)", "error": e["msg"], "count": e["count"]}
                 for e in environment.runner.exceptions.values()]
    Path(CONFIG["failures"]).write_text(json.dumps(failures))


class Liaison(FastHttpUser):
    wait_time = constant(CONFIG["wait"])

    def on_start(self) -> None:
        token = CONFIG["tokens"][next(_seats) % len(CONFIG["tokens"])]
        self.headers = {"Authorization": f"Token {token}", "Accept": "application/json"}
        self.ready: list[int] = []
        self.read_inbox()

    @task(3)
    def read_inbox(self) -> None:
        answer = self.client.get(CONFIG["inbox"], headers=self.headers, name="inbox")
        if answer.status_code == 200:
            self.ready = [row["id"] for row in answer.json()["results"]]

    @task(1)
    def complete(self) -> None:
        if not self.ready:  # nothing left from the last page: read it again instead
            self.read_inbox()
            return
        pk = self.ready.pop(0)
        self.client.post(CONFIG["complete"].format(pk), json={"data": {"note": "done"}}, headers=self.headers,
                         name="complete")

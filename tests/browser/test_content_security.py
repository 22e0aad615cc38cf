"""Under the Content-Security-Policy the pages still work, report no violation, and a hostile BPMN runs nothing."""
from __future__ import annotations

from pathlib import Path

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TYPED = ("按计划推进。",)
HOSTILE = Path(__file__).resolve().parents[1] / "service" / "web" / "hostile" / "hostile_diagram.bpmn"
# Playwright's init scripts run outside the page's policy: they can listen for its violations.
LISTEN = """document.addEventListener("securitypolicyviolation", function (e) {
  (window.__csp = window.__csp || []).push(e.violatedDirective + " " + e.blockedURI);
});"""


class Watch:
    """What a page reports: CSP violations (events and console lines), script errors, dialogs."""

    def __init__(self, page):
        self.page, self.console, self.errors, self.dialogs = page, [], [], []
        page.context.add_init_script(LISTEN)
        page.on("console", lambda msg: self.console.append(msg.text) if msg.type in ("error", "warning") else None)
        page.on("pageerror", lambda exc: self.errors.append(str(exc)))
        page.on("dialog", self._dialog)

    def _dialog(self, dialog) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def visit(self, url: str, ready: str = "main") -> None:
        self.page.goto(url)
        self.page.wait_for_selector(ready, timeout=15000)
        self.check(url)

    def check(self, where: str) -> None:
        violations = self.page.evaluate("window.__csp || []")
        policy = [line for line in self.console if "Content Security Policy" in line or "Content-Security" in line]
        assert violations == [] and policy == [], (where, violations, policy)
        assert self.errors == [] and self.dialogs == [], (where, self.errors, self.dialogs)
        assert self.page.evaluate("typeof window.__pwned") == "undefined", where


def _open_first_quarter(site):
    from workflows.org.models import Membership
    from workflows.plans.services.cycles import cycle_open, quarter_open

    office = Membership.objects.get(role="office_director", unit__kind="office").user
    cycle = cycle_open(cycle_id=site["plan"].cycles.get(half=1).pk, actor=office)
    quarter_open(quarter_id=cycle.quarters.get(quarter=1).pk)
    return cycle, office


def test_a_hostile_bpmn_runs_nothing_for_the_office_or_a_school(site, login):
    from workflows.org.models import Unit
    from workflows.processes.models import ProcessDefinition
    from workflows.processes.services.instances import instance_start

    office = login("lili")
    watch = Watch(office)
    watch.visit(f"{site['url']}/console/upload/")
    office.set_input_files("#files", str(HOSTILE))
    office.click("main form button")
    office.wait_for_selector("p.msg.success")
    watch.check("upload")
    watch.visit(f"{site['url']}/processes/hostile_diagram/1/diagram/", ready="#canvas[data-rendered=yes]")
    assert office.locator("[data-element-id=fill]").count() >= 1
    with office.expect_download() as download:  # the XML is a file to save, not a page on duban's origin
        office.evaluate("url => { window.location.href = url; }",
                        f"{site['url']}/api/definitions/hostile_diagram/versions/1/xml/")
    assert download.value.suggested_filename == "hostile_diagram-v1.bpmn"
    watch.check("xml download")

    definition = ProcessDefinition.objects.get(key="hostile_diagram", version=1)
    instance = instance_start(definition=definition, unit=Unit.objects.get(code="wenqiao-central-primary"))
    school = login("luoting")
    watch = Watch(school)
    watch.visit(f"{site['url']}/processes/hostile_diagram/1/diagram/?instance={instance.pk}",
                ready="#canvas[data-rendered=yes]")
    assert school.locator(".duban-active[data-element-id=fill]").count() == 1


def test_the_main_pages_work_under_the_policy_with_no_violation(site, login):
    from workflows.plans.services.bulletins import bulletin_draft
    from workflows.processes.models import HumanTaskState
    from workflows.processes.services.events import event_deliver
    from workflows.processes.services.human_tasks import human_task_complete

    cycle, office_user = _open_first_quarter(site)
    report = cycle.quarters.get(quarter=1).reports.get(school__code="wenqiao-central-primary")
    for review in ("review_first_summary", "review_second_summary"):  # the cycle reaches its bulletin step
        event_deliver(kind="message", name="quarter_closed", instance_id=cycle.instance_id)
        task = cycle.instance.human_tasks.get(bpmn_id=review, state=HumanTaskState.READY)
        human_task_complete(task_id=task.pk, actor=office_user, data={})
    bulletin = bulletin_draft(cycle_id=cycle.pk, actor=office_user)
    url = site["url"]

    office = login("lili")
    watch = Watch(office)
    for path in ("/console/", "/console/upload/", "/console/org/", "/board/", f"/cycles/{cycle.pk}/",
                 f"/cycles/{cycle.pk}/quarters/1/", f"/cycles/{cycle.pk}/bulletin/", "/bulletins/",
                 f"/bulletins/{bulletin.pk}/", "/notifications/", "/inbox/?due_before=not-a-date", "/admin/",
                 "/admin/org/unit/"):
        watch.visit(url + path)
    watch.visit(f"{url}/processes/quarterly_report/1/diagram/?instance={report.instance_id}",
                ready="#canvas[data-rendered=yes]")
    assert office.locator(".duban-active").count() >= 1
    watch.visit(f"{url}/api/docs/", ready=".swagger-ui .opblock")

    school = login("luoting")
    watch = Watch(school)
    watch.visit(f"{url}/inbox/")
    school.click("ul.tasks a >> nth=0")
    school.wait_for_selector("button[value=draft]")
    watch.check("task page")
    school.locator("textarea[name$='.progress']").first.fill(TYPED[0])
    school.click("button[value=draft]")
    school.wait_for_selector("p.msg.success")
    watch.check("draft saved")
    school.select_option("#language", "en")  # the switcher is a script file now, not an inline handler
    school.wait_for_selector("html[lang=en]")
    assert "Inbox" in school.locator("header nav").inner_text()
    watch.check("language switched")


def test_the_sign_in_page_works_under_the_policy(chromium, site):
    context = chromium.new_context(locale="zh-CN")
    try:
        page = context.new_page()
        watch = Watch(page)
        watch.visit(f"{site['url']}/login/")
        page.fill("#id_username", "lili")
        page.fill("#id_password", "pw")
        page.click("main button[type=submit]")
        page.wait_for_selector("header nav")
        watch.check("signed in")
    finally:
        context.close()

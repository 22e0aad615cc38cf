"""The office starts a cycle in the pages; the request answers at once and the opening page follows a
live Celery worker (a separate process, on this test's database) until every school has its report."""
from __future__ import annotations

import pytest

from tests.browser.checks import look
from tests.workflows.processes.test_live_worker import live_worker

pytestmark = [pytest.mark.browser, pytest.mark.live, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def workers(tmp_path):
    """The schools' reports start on a real worker, not inline (no beat: the worker's clock is today's)."""
    from service.celery import app

    with live_worker(tmp_path, beat=False) as proc:
        app.conf.task_always_eager = False
        try:
            yield proc
        finally:
            app.conf.task_always_eager = True


def test_the_office_starts_the_cycle_and_follows_the_opening_to_its_end(site, login, workers, tmp_path):
    from workflows.plans.models import CycleQuarter
    from workflows.plans.services.schools import schools_of

    office = login("lili")
    office.goto(f"{site['url']}/console/")
    office.click("form[action$='/start/'] button >> nth=0")
    office.wait_for_load_state()
    assert office.url.endswith("/quarters/1/opening/")
    assert office.locator("#opening-bar").count() == 1
    office.wait_for_selector("text=已完成：方案内每所学校都已收到报告任务", timeout=90_000)
    assert workers.poll() is None, (tmp_path / "worker.log").read_text()[-3000:]
    assert office.locator("#opening-bar").get_attribute("value") == "100"
    look(office, "quarter-opened-desktop")
    quarter = CycleQuarter.objects.get(cycle__plan=site["plan"], cycle__half=1, quarter=1)
    assert quarter.opening_started_at is not None and quarter.opened_at is not None
    schools = set(schools_of(site["plan"]).values_list("pk", flat=True))
    reports = dict(quarter.reports.values_list("school_id", "instance_id"))
    assert set(reports) == schools and all(reports.values())
    office.click("text=本季度汇总表")
    office.wait_for_load_state()
    assert office.locator("table.matrix tbody tr").count() == len(schools)


def test_an_import_runs_on_the_worker_and_its_page_follows_it(site, login, workers, tmp_path):
    from tests.browser.test_org_import import import_in_the_pages
    from tests.org_workbook import bureau_workbook
    from workflows.org.models import Unit
    from workflows.plans.models import ImportJob

    workbook = tmp_path / "临溪.xlsx"
    workbook.write_bytes(bureau_workbook(5))  # each initial password is hashed as a sign-in checks it: slow by design
    office = login("lili")
    import_in_the_pages(office, site, workbook)
    job = ImportJob.objects.get()
    assert office.url.endswith(f"/console/import/{job.pk}/")  # the request answered at once
    # the bar follows the steps: the rows checked, each of the 12 new people's accounts, the save
    office.wait_for_selector("label[for=import-bar] >> text=共 14 步", timeout=90_000)
    office.wait_for_selector("text=单位和人员已导入：新增 21 行", timeout=90_000)
    assert workers.poll() is None, (tmp_path / "worker.log").read_text()[-3000:]
    assert office.locator("#import-bar").get_attribute("value") == "100"
    job.refresh_from_db()
    assert job.status == "done" and job.started_at and job.finished_at
    assert (job.steps_done, job.steps) == (14, 14)
    assert Unit.objects.filter(code__startswith="linxi-s").count() == 5

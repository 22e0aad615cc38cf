"""Celery tasks for cycles: thin, take ids, safe to run twice."""
from __future__ import annotations

from celery import shared_task


@shared_task(name="workflows.plans.tasks.tick_cycles", acks_late=True)
def tick_cycles() -> dict:
    """Open cycles and quarters on their dates, close quarters at their deadline (beat, hourly)."""
    from .services.cycles import cycles_tick

    return cycles_tick()


@shared_task(name="workflows.plans.tasks.open_quarter_schools", acks_late=True, autoretry_for=(Exception,),
             retry_backoff=2, retry_backoff_max=120, max_retries=8)
def open_quarter_schools(quarter_id: int, school_ids: list[int]) -> int:
    """Start one chunk of a quarter's school reports (safe to run twice: started schools are skipped);
    a failure (a lost database connection, a deadlock) is retried with a growing wait."""
    from .services.cycles import quarter_open_schools

    return quarter_open_schools(quarter_id=quarter_id, school_ids=school_ids)


@shared_task(name="workflows.plans.tasks.close_quarter_if_done", acks_late=True)
def close_quarter_if_done(quarter_id: int) -> bool:
    """Close a quarter as soon as its last school reported."""
    from .services.cycles import quarter_close

    return quarter_close(quarter_id=quarter_id)


@shared_task(name="workflows.plans.tasks.work_item_all_done", acks_late=True)
def work_item_all_done(run_id: int) -> bool:
    """Tell a work item's instance that every school task has finished."""
    from .services.work_items import run_notify_if_done

    return run_notify_if_done(run_id=run_id)


@shared_task(name="workflows.plans.tasks.run_org_import", acks_late=True)
def run_org_import(job_id: int) -> bool:
    """Import a previewed file of units and people for the office (its page follows the job)."""
    from .services.org_import import org_import_run

    return org_import_run(job_id=job_id)

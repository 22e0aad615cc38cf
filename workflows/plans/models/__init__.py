from .bulletins import Bulletin, BulletinReceipt, BulletinStatus
from .calendar import CalendarDay
from .cycles import CycleQuarter, QuarterlyReport, ReportingCycle, ReportStatus
from .extensions import ExtensionStatus, ReportExtension
from .imports import ImportJob
from .plans import Plan, WorkItem, WorkItemDepartment
from .work import SchoolTask, WorkItemRun

__all__ = [
    "Bulletin", "BulletinReceipt", "BulletinStatus", "CalendarDay", "CycleQuarter", "ExtensionStatus", "ImportJob",
    "Plan", "QuarterlyReport", "ReportExtension", "ReportStatus", "ReportingCycle", "SchoolTask", "WorkItem",
    "WorkItemDepartment", "WorkItemRun",
]

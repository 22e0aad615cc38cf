from django.contrib.auth import views as auth_views
from django.urls import path

from . import (
    pages_board,
    pages_bulletins,
    pages_calendar,
    pages_console,
    pages_extensions,
    pages_home,
    pages_import,
    pages_people,
    pages_tasks,
    pages_work_items,
)

app_name = "web"
urlpatterns = [
    path("", pages_home.home, name="home"),
    # Failed attempts are bounded by django-axes (service/signin.py).
    path("login/", auth_views.LoginView.as_view(template_name="web/login.html"), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("notifications/", pages_home.notifications, name="notifications"),
    path("inbox/", pages_tasks.inbox, name="inbox"),
    path("tasks/<int:pk>/", pages_tasks.task_page, name="task"),
    path("board/", pages_board.board, name="board"),
    path("work-items/", pages_work_items.work_items, name="work_items"),
    path("work-items/<int:pk>/", pages_work_items.work_item, name="work_item"),
    path("console/", pages_console.console, name="console"),
    path("console/upload/", pages_console.upload, name="upload"),
    path("console/org/", pages_console.org, name="org"),
    path("console/people/", pages_people.people, name="people"),
    path("console/import/", pages_import.org_import, name="org_import"),
    path("console/import/template.xlsx", pages_import.template, name="org_import_template"),
    path("console/people/<int:pk>/", pages_people.person, name="person"),
    path("console/calendar/", pages_calendar.holiday_calendar, name="holiday_calendar"),
    path("console/extensions/", pages_extensions.extensions, name="extensions"),
    path("processes/<str:key>/<int:version>/diagram/", pages_console.diagram, name="diagram"),
    path("cycles/<int:pk>/start/", pages_console.cycle_start, name="cycle_start"),
    path("cycles/<int:pk>/", pages_console.progress, name="progress"),
    path("cycles/<int:pk>/quarters/<int:quarter>/", pages_console.summary, name="summary"),
    path("cycles/<int:pk>/quarters/<int:quarter>/opening/", pages_console.quarter_opening, name="quarter_opening"),
    path("cycles/<int:cycle>/bulletin/", pages_bulletins.bulletin_draft, name="bulletin_draft"),
    path("bulletins/", pages_bulletins.bulletins, name="bulletins"),
    path("bulletins/<int:pk>/", pages_bulletins.bulletin, name="bulletin"),
]

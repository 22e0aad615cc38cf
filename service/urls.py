from django.contrib import admin
from django.urls import include, path

from . import ops

urlpatterns = [
    path("healthz", ops.live),
    path("readyz", ops.ready),
    path("metrics", ops.metrics),
    path("admin/", admin.site.urls),
    path("api/", include("service.api.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("service.web.urls")),
]

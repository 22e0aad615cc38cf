import os

from django.core.wsgi import get_wsgi_application

from service.gc_tuning import tune_for_serving

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "service.settings")
application = get_wsgi_application()
tune_for_serving()

"""The test run's settings: production's (DEBUG off unless DUBAN_DEBUG=1), with a secret key of the run's own.

The key goes into the environment, so the servers and Celery workers the tests start inherit it.
"""
import os
import secrets

os.environ.setdefault("DUBAN_SECRET_KEY", "tests-" + secrets.token_urlsafe(40))

from service.settings import *  # noqa: E402,F403

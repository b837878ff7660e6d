"""Settings of the example project: one app (``contracts``), SQLite, no templates.

The IgniSign credentials come from the environment, as ``Ignisign()`` reads them:
``IGNISIGN_APP_ID``, ``IGNISIGN_APP_ENV``, ``IGNISIGN_APP_SECRET`` (and ``IGNISIGN_BASE_URL``).
"""

import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "example-only-not-a-secret")
DEBUG = os.environ.get("DJANGO_DEBUG") == "1"
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
INSTALLED_APPS = ["contracts"]
MIDDLEWARE = ["django.middleware.common.CommonMiddleware"]
ROOT_URLCONF = "site_config.urls"
WSGI_APPLICATION = "site_config.wsgi.application"
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": os.environ.get("CONTRACTS_DB", str(BASE_DIR / "db.sqlite3")),
    }
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
USE_TZ = True
# The SDK logs to the "ignisign_async" logger (a failed callback at ERROR): route it in LOGGING.

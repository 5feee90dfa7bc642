"""The settings the test suite runs with: the project's own (``gongkai.settings``, DEBUG off) plus a data
key for the encrypted personal data, as a deployment must set one (a fixed test key, used by no
deployment). Set before the settings are read, and so inherited by the commands the tests start."""

from __future__ import annotations

import os

os.environ.setdefault("GONGKAI_DATA_KEYS", "test:dGVzdC1vbmx5LWdvbmdrYWktZGF0YS1rZXktMzJieXQ=")

from django.conf import global_settings  # noqa: E402

from gongkai.settings import *  # noqa: E402, F403

# New passwords hashed with MD5: production's PBKDF2 (1,000,000 iterations) costs 0.3-0.4 s a password on a CI
# machine, and the demo world's ten users alone cost 3-4 s each time a test seeds it. Hashes of production's
# hashers still verify (they follow in the list); no test depends on the algorithm (tests/accounts, which
# hash and check passwords most, did the same already).
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *global_settings.PASSWORD_HASHERS]

# Jobs run through django-tasks' ImmediateBackend: a job started in a test runs when its transaction commits
# (use ``django_capture_on_commit_callbacks(execute=True)``, a ``transaction=True`` test, or
# ``gongkai.jobs.services.run_pending()``); tests of the workers set the database or RQ backend themselves.
# A command the tests start with GONGKAI_TASKS_BACKEND set (a real worker) keeps the backend it asks for.
if "GONGKAI_TASKS_BACKEND" not in os.environ:
    TASKS = {
        "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend", "QUEUES": ["default"]}
    }

# Static files straight from the apps' folders, as with DEBUG: the suite needs no collectstatic
# (tests/test_serve.py runs collectstatic and the production storage in a server of its own).
STORAGES = {  # noqa: F405
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

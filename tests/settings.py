"""The settings the test suite runs with: the project's own (``gongkai.settings``, DEBUG off) plus a data
key for the encrypted personal data, as a deployment must set one (a fixed test key, used by no
deployment). Set before the settings are read, and so inherited by the commands the tests start."""

from __future__ import annotations

import os

os.environ.setdefault("GONGKAI_DATA_KEYS", "test:dGVzdC1vbmx5LWdvbmdrYWktZGF0YS1rZXktMzJieXQ=")

from gongkai.settings import *  # noqa: E402, F403

# Jobs run through django-tasks' ImmediateBackend: a job started in a test runs when its transaction commits
# (use ``django_capture_on_commit_callbacks(execute=True)``, a ``transaction=True`` test, or
# ``gongkai.jobs.services.run_pending()``); tests of the workers set the database or RQ backend themselves.
# A command the tests start with GONGKAI_TASKS_BACKEND set (a real worker) keeps the backend it asks for.
if "GONGKAI_TASKS_BACKEND" not in os.environ:
    TASKS = {
        "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend", "QUEUES": ["default"]}
    }

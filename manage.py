#!/usr/bin/env python3
"""Django's command-line utility (the installed ``gongkai`` command does the same and more)."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongkai.settings")
    from gongkai.cli import secret_for_checker

    secret_for_checker(sys.argv[1] if len(sys.argv) > 1 else "")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()

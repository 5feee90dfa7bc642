from typing import Any

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "stub"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("files", nargs="*")

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"STUB check_reports {options['files']}")

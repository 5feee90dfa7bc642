from django.apps import AppConfig


class StubConfig(AppConfig):
    name = "gongkai.devstub_checker"

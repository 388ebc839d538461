from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    name = "coopnet.directory"
    verbose_name = "Directory"

    def ready(self) -> None:
        from coopnet.directory import signals  # noqa: F401

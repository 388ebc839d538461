from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    name = "coopnet.directory"
    verbose_name = "Directory"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from coopnet.directory import signals  # noqa: F401

        post_migrate.connect(_repair_search_index, sender=self)


def _repair_search_index(sender, using, **kwargs) -> None:
    from coopnet.lib.search import repair_sqlite_index

    repair_sqlite_index(using)

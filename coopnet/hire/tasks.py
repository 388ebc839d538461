"""Background work for briefs."""

from django_tasks import task


@task()
def delete_expired_brief_contacts() -> int:
    return 0

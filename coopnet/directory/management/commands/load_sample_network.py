from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from coopnet.accounts.models import User
from coopnet.directory.models import Coop
from coopnet.directory.sample import SAMPLE_PASSWORD, SAMPLE_PEOPLE, load_sample_network
from coopnet.hire.sample import load_sample_briefs
from coopnet.referrals.sample import load_sample_referrals


class Command(BaseCommand):
    help = "Load the invented sample network (co-ops, clients, people) into an empty database."

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing, quietly, when the database already has co-ops.",
        )

    def handle(self, *args, if_empty: bool, **options):
        if settings.PRODUCTION:
            raise CommandError(
                "The sample network is invented data: it is never loaded in production."
            )
        if Coop.objects.exists():
            if if_empty:
                return
            raise CommandError(
                "The database already has co-ops; the sample loads only into an empty one."
            )
        with transaction.atomic():
            counts = load_sample_network()
            # The flows run through the real services, so the sample shows what members see.
            people = {user.username: user for user in User.objects.all()}
            counts["briefs"] = load_sample_briefs(
                coordinator=people["coordinator"], worker_owner=people["ada"]
            )
            counts["referrals"] = load_sample_referrals(giver=people["ada"], taker=people["chloe"])
        self.stdout.write(
            self.style.SUCCESS(
                "Loaded the sample network: "
                + ", ".join(f"{value} {name.replace('_', ' ')}" for name, value in counts.items())
            )
        )
        names = ", ".join(username for username, *_ in SAMPLE_PEOPLE)
        self.stdout.write(
            f"Sample accounts ({names}, and one named after each other member co-op's slug) "
            f"use the password {SAMPLE_PASSWORD}"
        )

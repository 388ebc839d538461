"""`manage.py match "brief text"`: the matching engine from the command line.

Prints the ranked co-ops with their reasons (and proposed teams); `--json` prints exactly the
body `POST /api/v1/match` returns for the same brief.
"""

import json

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from coopnet.hire.concepts import concept_label
from coopnet.hire.matching import BriefNeeds, match_coops, outcome_payload, validate_needs


class Command(BaseCommand):
    help = "Rank member co-ops for a brief given in plain words, with the reasons."

    def add_arguments(self, parser):
        parser.add_argument("text", help="The brief, in plain words (quote it).")
        parser.add_argument(
            "--service", action="append", default=[], dest="services", metavar="SLUG"
        )
        parser.add_argument(
            "--technology", action="append", default=[], dest="technologies", metavar="SLUG"
        )
        parser.add_argument("--sector", default="", metavar="SLUG")
        parser.add_argument("--location", default="", help="Where the client is, in words.")
        parser.add_argument("--effort-days", type=int, default=None, help="Person-days.")
        parser.add_argument("--timeline-months", type=float, default=None)
        parser.add_argument(
            "--on-site", action="store_true", help="The work needs someone near the client."
        )
        parser.add_argument("--limit", type=int, default=10, help="1 to 50 (default 10).")
        parser.add_argument(
            "--json", action="store_true", help="Print the API's JSON body instead of text."
        )

    def handle(self, *args, **options):
        if not 1 <= options["limit"] <= 50:
            raise CommandError("--limit must be between 1 and 50.")
        needs = BriefNeeds(
            text=options["text"],
            services=list(dict.fromkeys(options["services"])),
            technologies=list(dict.fromkeys(options["technologies"])),
            sector=options["sector"],
            location=options["location"],
            remote_ok=not options["on_site"],
            effort_days=options["effort_days"],
            timeline_months=options["timeline_months"],
        )
        try:
            validate_needs(needs)
        except ValidationError as error:
            raise CommandError(
                "; ".join(
                    f"{field}: {' '.join(msgs)}" for field, msgs in error.message_dict.items()
                )
            ) from None
        outcome = match_coops(needs, limit=options["limit"])
        if options["json"]:
            self.stdout.write(json.dumps(outcome_payload(outcome), ensure_ascii=False, indent=2))
            return
        self._print_text(outcome)

    def _print_text(self, outcome) -> None:
        needs = ", ".join(concept_label(k) for k in outcome.required) or "(no capability named)"
        self.stdout.write(f"Needs: {needs}")
        if outcome.place is not None:
            self.stdout.write(f"Client: {outcome.place.name} ({outcome.place.country})")
        if not outcome.results:
            self.stdout.write("No member co-op matches this brief.")
        for rank, match in enumerate(outcome.results, start=1):
            self.stdout.write(
                self.style.SUCCESS(f"{rank:>2}. {match.coop.name}")
                + f"  ({match.coop.slug}, score {match.score:.2f})"
            )
            for reason in match.reasons:
                self.stdout.write(f"      - {reason}")
        if outcome.consortium:
            self.stdout.write("")
            self.stdout.write("No available member covers everything; proposed teams:")
            for number, team in enumerate(outcome.consortium, start=1):
                members = ", ".join(c.name for c in team.members)
                exact = "" if team.exact else ", best effort"
                self.stdout.write(f" Team {number}: {members} (score {team.score:.2f}{exact})")
                for reason in team.reasons:
                    self.stdout.write(f"      - {reason}")
        if outcome.uncoverable:
            missing = ", ".join(concept_label(k) for k in outcome.uncoverable)
            self.stdout.write(f"No member offers: {missing}")

"""`manage.py match "brief text"`: the matching engine from the command line.

Prints the ranked co-ops with their reasons (and proposed teams); `--json` prints exactly the
body `POST /api/v1/match` returns for the same brief. Whoever runs it has the server, so it
answers as the API answers a coordinator, with what co-ops said of past briefs;
`--no-history` answers as the API answers a visitor.
"""

import json

import pydantic
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from coopnet.api.routers.match import MatchIn
from coopnet.hire.matching import match_coops, outcome_payload, validate_needs

# The API's field names as this command's options, to name them in errors.
OPTION_OF_FIELD = {
    "services": "--service",
    "technologies": "--technology",
    "sector": "--sector",
    "location": "--location",
    "remote_ok": "--on-site",
    "effort_days": "--effort-days",
    "timeline_months": "--timeline-months",
    "limit": "--limit",
}


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
        parser.add_argument(
            "--no-history",
            action="store_true",
            help="Leave out what co-ops said of past briefs: what a visitor to the API gets.",
        )

    def handle(self, *args, **options):
        # The API's own schema decides what is valid, so both refuse the same values.
        try:
            brief = MatchIn.model_validate(
                {
                    "text": options["text"],
                    "services": options["services"],
                    "technologies": options["technologies"],
                    "sector": options["sector"],
                    "location": options["location"],
                    "remote_ok": not options["on_site"],
                    "effort_days": options["effort_days"],
                    "timeline_months": options["timeline_months"],
                    "limit": options["limit"],
                }
            )
        except pydantic.ValidationError as error:
            raise CommandError(
                "; ".join(
                    f"{self._option(str(e['loc'][0]) if e['loc'] else 'text')}: {e['msg']}"
                    for e in error.errors()
                )
            ) from None
        needs = brief.needs()
        try:
            validate_needs(needs)
        except ValidationError as error:
            raise CommandError(
                "; ".join(
                    f"{self._option(field)}: {' '.join(msgs)}"
                    for field, msgs in error.message_dict.items()
                )
            ) from None
        outcome = match_coops(needs, limit=brief.limit, use_history=not options["no_history"])
        if options["json"]:
            self.stdout.write(json.dumps(outcome_payload(outcome), ensure_ascii=False, indent=2))
            return
        self._print_text(outcome)

    @staticmethod
    def _option(field: str) -> str:
        return OPTION_OF_FIELD.get(field, field)

    def _print_text(self, outcome) -> None:
        needs = ", ".join(outcome.label(k) for k in outcome.required) or "(no capability named)"
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
        elif outcome.team_needed:
            self.stdout.write("")
            self.stdout.write(
                "No available member covers everything, and no team of them does either "
                "(capabilities, capacity for the effort, or the largest team size)."
            )
        if outcome.uncoverable:
            missing = ", ".join(outcome.label(k) for k in outcome.uncoverable)
            self.stdout.write(f"No member offers: {missing}")

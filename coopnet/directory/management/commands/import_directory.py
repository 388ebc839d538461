"""`manage.py import_directory --format FORMAT PATH [--members] [--dry-run] [--quiet]`."""

import sys

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from coopnet.directory.importers.formats import FORMATS
from coopnet.directory.importers.merge import directory_import


class Command(BaseCommand):
    help = (
        "Import a directory source into the co-ops: idempotent (a second run changes nothing), "
        "one record at a time (a bad record is reported and the rest import). "
        "See docs/data-formats.md."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--format",
            required=True,
            dest="format_name",
            metavar="FORMAT",
            help=f"One of: {', '.join(sorted(FORMATS))}.",
        )
        parser.add_argument("path", help="The file or folder the format reads.")
        parser.add_argument(
            "--members",
            action="store_true",
            help="The source is the network's own directory: new co-ops come in as members "
            "(otherwise as observed), and existing ones move up to member.",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Read, match and write inside a transaction that is rolled back: "
            "the summary says what would happen.",
        )
        parser.add_argument("--quiet", action="store_true", help="No progress bar.")

    def handle(self, *args, format_name: str, path: str, members: bool, dry_run: bool, **options):
        reader = FORMATS.get(format_name)
        if reader is None:
            raise CommandError(
                f"Unknown format {format_name!r}; known formats: {', '.join(sorted(FORMATS))}."
            )
        try:
            parsed = reader.read(path)
        except (OSError, ValueError, UnicodeDecodeError) as error:
            raise CommandError(f"Cannot read {path} as {format_name}: {error}") from None

        quiet = options["quiet"] or options["verbosity"] == 0
        with tqdm(
            total=len(parsed.records),
            desc=format_name,
            unit="co-op",
            file=sys.stderr,
            disable=quiet or not sys.stderr.isatty(),
        ) as bar:
            summary = directory_import(
                parsed=parsed,
                format_name=format_name,
                members=members,
                dry_run=dry_run,
                progress=bar.update,
            )
        for line in summary.lines():
            self.stdout.write(line)

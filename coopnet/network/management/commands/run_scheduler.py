import signal
import time

from django.conf import settings
from django.core.management.base import BaseCommand

from coopnet.network.scheduler import enqueue_due_jobs


class Command(BaseCommand):
    help = "Enqueue periodic jobs when they are due, for the background worker to run."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Look once, then exit.")
        parser.add_argument(
            "--interval",
            type=int,
            default=settings.SCHEDULER_INTERVAL_SECONDS,
            help="Seconds between looks (default: SCHEDULER_INTERVAL_SECONDS).",
        )

    def handle(self, *args, once: bool, interval: int, **options):
        stopping = False

        def stop(signum, frame):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        while True:
            for name in enqueue_due_jobs():
                self.stdout.write(f"enqueued {name}")
            if once or stopping:
                return
            # Sleep in short steps so that a stop signal is honoured promptly.
            for _ in range(max(1, interval)):
                if stopping:
                    return
                time.sleep(1)

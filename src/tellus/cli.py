"""The `tellus` command: serve, worker, clv, and every django-admin command.

`tellus serve` runs Granian, a production server, on the WSGI application;
`tellus worker` runs a Celery worker; `tellus clv ...` runs the analytics
command line, which needs no database; anything else goes to django-admin
(`tellus migrate`, `tellus demo`, `tellus token create`, `tellus createsuperuser`).
"""

from __future__ import annotations

import argparse
import os
import sys

DEFAULT_SETTINGS = "tellus.config.settings"


def serve(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="tellus serve", description="Serve Tellus over HTTP.")
    parser.add_argument("--host", default=os.environ.get("TELLUS_HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("TELLUS_PORT", "8000")))
    parser.add_argument("--workers", type=int, default=int(os.environ.get("TELLUS_WORKERS", "1")))
    parser.add_argument("--threads", type=int, default=int(os.environ.get("TELLUS_THREADS", "4")))
    parser.add_argument(
        "--demo",
        choices=["small", "medium", "large"],
        help="Seed the demo destination of this size first, if it is not there yet.",
    )
    parser.add_argument(
        "--no-setup",
        action="store_true",
        help="Skip applying migrations and collecting static files before serving.",
    )
    args = parser.parse_args(argv)
    if not 1 <= args.port <= 65535:
        parser.error("--port must be between 1 and 65535")
    if args.workers < 1:
        parser.error("--workers must be at least 1")
    if args.demo:
        # The demo setting allows the demo's published logins; DEBUG stays as production has it.
        os.environ["TELLUS_DEMO"] = "1"

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from granian.constants import Interfaces
    from granian.server import Server

    from tellus.core.catalogues import compile_catalogues

    if args.workers > 1 and not settings.REDIS_URL:
        print(
            "Note: without REDIS_URL each worker keeps its own cache and rate-limit counters.",
            file=sys.stderr,
        )
    try:
        compile_catalogues()  # translations are built from the .po files, not shipped compiled
    except OSError as exc:
        print(f"Note: cannot compile the translations ({exc}); English only.", file=sys.stderr)
    if not args.no_setup:
        # One machine, no separate deploy step: bring the database and static files up to date.
        call_command("migrate", interactive=False, verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
    if args.demo:
        call_command("demo", size=args.demo)
    jobs = "a Celery worker" if settings.CELERY_BROKER_URL else "in-process"
    print(f"Tellus on http://{args.host}:{args.port}/  (background jobs: {jobs})", flush=True)
    server = Server(
        "tellus.config.wsgi:application",
        address=args.host,
        port=args.port,
        interface=Interfaces.WSGI,
        workers=args.workers,
        blocking_threads=args.threads,
        log_access=os.environ.get("TELLUS_ACCESS_LOG", "") == "1",
    )
    server.serve()
    return 0


def worker(argv: list[str]) -> int:
    from tellus.config.celery import app

    app.worker_main(["worker", "--loglevel=INFO", *argv])
    return 0


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", DEFAULT_SETTINGS)
    command = argv[0] if argv else "help"
    if command == "serve":
        return serve(argv[1:])
    if command == "worker":
        return worker(argv[1:])
    if command == "clv":
        from tellus.analytics.cli import main as analytics_main

        return analytics_main(argv)
    from django.core.management import execute_from_command_line

    execute_from_command_line(["tellus", *argv])
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""`glue-emulator serve`: run the emulator on a multi-threaded WSGI server (waitress); `doctor`: check the machine.

`serve` binds its port before it touches the disk, so a port in use (LocalStack's default is 4566 too), a bad
host or an unusable data dir ends it with one line on stderr and exit status 1, and no folder created.
"""

from __future__ import annotations

import argparse
import dataclasses
import errno
import logging
import os
import signal
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from . import __version__
from .config import DEFAULT_ACCOUNT, DEFAULT_REGION, PORTS, Settings


def console_url(host: str, port: int) -> str:
    """The web console's address for a server bound to `host` (any address: open it on loopback)."""
    shown = "127.0.0.1" if host in ("0.0.0.0", "") else "[::1]" if host == "::" else host
    if ":" in shown and not shown.startswith("["):
        shown = f"[{shown}]"
    return f"http://{shown}:{port}/_emulator/console/"


def _port(text: str) -> int:
    """--port's type: argparse reports a bad value in one line (a port past 65535 would otherwise wrap)."""
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"invalid port: {text!r}") from None
    if port not in PORTS:
        raise argparse.ArgumentTypeError(f"a port is between 0 and 65535 (0 picks a free one), not {port}")
    return port


def _parser(defaults: Settings) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="glue-emulator", description="A local AWS Glue emulator.")
    parser.add_argument("--version", action="version", version=__version__)
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="serve Glue and S3 on one port")
    doctor = commands.add_parser("doctor", help="check Java, Spark, the data dir and the port; say how to fix them")
    for command in (serve, doctor):
        command.add_argument("--host", default=defaults.host, help="address to bind (env GLUE_EMULATOR_HOST)")
        command.add_argument(
            "--port", type=_port, default=defaults.port, help="port; 0 picks a free one (env GLUE_EMULATOR_PORT)"
        )
        command.add_argument(
            "--data-dir", type=Path, default=defaults.data_dir,
            help="where state lives (env GLUE_EMULATOR_DATA_DIR)",
        )
    serve.add_argument(
        "--threads", type=int, default=defaults.threads, help="request threads (env GLUE_EMULATOR_THREADS)"
    )
    doctor.add_argument("--skip-spark", action="store_true", help="do not start a Spark session (saves seconds)")
    return parser


class _LateApp:
    """The WSGI app, set once the emulator is built: the port is taken first, before any file is made."""

    def __init__(self) -> None:
        self.app: Callable[..., Iterable[bytes]] | None = None

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        assert self.app is not None  # the server runs only once it is set
        return self.app(environ, start_response)


def _listen(settings: Settings, app: _LateApp) -> Any:
    """A waitress server bound to the settings' host and port; SystemExit with one line if it cannot be."""
    import waitress

    from . import serving
    from .doctor import port_in_use_message

    try:
        return waitress.create_server(
            app,
            host=settings.host,
            port=settings.port,
            threads=settings.threads,
            # Connection limit and timeouts: stalled clients must not hold every slot (see serving.py).
            **serving.waitress_options(),
            ident="glue-emulator",
            clear_untrusted_proxy_headers=True,
            # S3's largest single PUT is 5 GiB (plus aws-chunked framing); waitress' default cap is 1 GB.
            max_request_body_size=5 * 1024**3 + 64 * 1024**2,
            # Read sockets 256 KB at a time (waitress reads 8 KB): large uploads arrive 3x faster.
            recv_bytes=256 * 1024,
        )
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            raise SystemExit(port_in_use_message(settings.host, settings.port)) from None
        raise SystemExit(f"glue-emulator: cannot listen on {settings.host}:{settings.port} "
                         f"({exc.strerror or exc}); pick another --host or --port") from None
    except ValueError as exc:  # waitress' own checks of host and port
        raise SystemExit(f"glue-emulator: cannot listen on {settings.host}:{settings.port} ({exc})") from None


def serve(settings: Settings) -> None:
    # A job run has its role's credentials, not the profile of whoever started the server (a profile missing from
    # ~/.aws/config would make every boto3 client of a script raise ProfileNotFound); the server reads no profile.
    for name in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE"):
        os.environ.pop(name, None)
    # jsonschema registers an "iri" format check when rfc3987-syntax is installed (Jupyter's
    # jsonschema[format-nongpl] brings it along), and that module compiles an Earley grammar when imported: about
    # 5 s of every start. The API shapes use no "format", so the server never needs it.
    sys.modules.setdefault("rfc3987_syntax", None)
    from . import serving
    from .app import create_app
    from .doctor import check_data_dir
    from .protocol import s3xml

    late_app = _LateApp()
    server = _listen(settings, late_app)
    usable = check_data_dir(settings.data_dir)
    if usable.status == "fail":
        server.close()
        raise SystemExit(f"glue-emulator: cannot use the data dir: {usable.detail}; {usable.fix}")
    settings.port = server.effective_port  # before the app: job runs learn the endpoint from the settings
    app = create_app(settings)
    late_app.app = app
    s3xml.adapt_waitress(server)
    serving.close_idle_connections(server)
    # SIGTERM (docker stop, the fixture's stop) ends the loop like Ctrl-C, so shutdown hooks run.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    # The fixture and scripts read this line to learn the port (useful with --port 0).
    print(f"glue-emulator {__version__} listening on http://{settings.host}:{server.effective_port}", flush=True)
    print(f"console: {console_url(settings.host, server.effective_port)} (account {DEFAULT_ACCOUNT}, region "
          f"{DEFAULT_REGION}; pick others there)", flush=True)
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        app.extensions["glue_emulator"].shutdown()


def doctor(settings: Settings, spark: bool) -> int:
    """Print every check; exit status 1 when something required is missing."""
    from .doctor import render, run_checks

    checks = run_checks(settings, spark=spark)
    print(render(checks), flush=True)
    return 1 if any(c.status == "fail" for c in checks) else 0


def main(argv: list[str] | None = None) -> None:
    try:
        defaults = Settings.from_env()
    except ValueError as exc:  # a GLUE_EMULATOR_* variable that is not a valid value: one line, not a traceback
        raise SystemExit(f"glue-emulator: {exc}") from None
    args = _parser(defaults).parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s", stream=sys.stderr)
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)
    # replace() builds new Settings, so the flags' data dir is made absolute like the environment's.
    settings = dataclasses.replace(defaults, host=args.host, port=args.port, data_dir=args.data_dir)
    if args.command == "serve":
        serve(dataclasses.replace(settings, threads=args.threads))
    elif args.command == "doctor":
        sys.exit(doctor(settings, spark=not args.skip_spark))


if __name__ == "__main__":
    main()

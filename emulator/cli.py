"""`glue-emulator serve`: run the emulator on a multi-threaded WSGI server (waitress)."""

from __future__ import annotations

import argparse
import logging
import signal
import sys
from pathlib import Path

from . import __version__
from .config import Settings


def _parser(defaults: Settings) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="glue-emulator", description="A local AWS Glue emulator.")
    parser.add_argument("--version", action="version", version=__version__)
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="serve Glue and S3 on one port")
    serve.add_argument("--host", default=defaults.host, help="address to bind (env GLUE_EMULATOR_HOST)")
    serve.add_argument(
        "--port", type=int, default=defaults.port, help="port; 0 picks a free one (env GLUE_EMULATOR_PORT)"
    )
    serve.add_argument(
        "--data-dir", type=Path, default=defaults.data_dir, help="where state lives (env GLUE_EMULATOR_DATA_DIR)"
    )
    serve.add_argument(
        "--threads", type=int, default=defaults.threads, help="request threads (env GLUE_EMULATOR_THREADS)"
    )
    return parser


def serve(settings: Settings) -> None:
    import waitress

    from . import serving
    from .app import create_app
    from .protocol import s3xml

    app = create_app(settings)
    server = waitress.create_server(
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
    s3xml.adapt_waitress(server)
    serving.close_idle_connections(server)
    # SIGTERM (docker stop, the fixture's stop) ends the loop like Ctrl-C, so shutdown hooks run.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    settings.port = server.effective_port
    # The fixture and scripts read this line to learn the port (useful with --port 0).
    print(f"glue-emulator {__version__} listening on http://{settings.host}:{server.effective_port}", flush=True)
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        app.extensions["glue_emulator"].shutdown()


def main(argv: list[str] | None = None) -> None:
    defaults = Settings.from_env()
    args = _parser(defaults).parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s", stream=sys.stderr)
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)
    if args.command == "serve":
        defaults.host, defaults.port, defaults.data_dir, defaults.threads = (
            args.host,
            args.port,
            args.data_dir,
            args.threads,
        )
        serve(defaults)


if __name__ == "__main__":
    main()

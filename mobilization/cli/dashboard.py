"""``mobilize dashboard``: serve the Solara dashboard and open it in a browser."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from .common import whole

APP = Path(__file__).resolve().parents[1] / "dashboard" / "app.py"


def register(sub: argparse._SubParsersAction) -> None:
    """Add ``mobilize dashboard``."""
    d = sub.add_parser(
        "dashboard", help="open the dashboard in a browser (Solara)",
        description="Serve the dashboard (mobilization/dashboard/app.py, a Solara app: one "
                    "village week by week, two villages side by side, and a district) and "
                    "open it in a browser. Stop it with Ctrl-C.")
    d.add_argument("--port", type=whole(1, 65535), default=8765, metavar="P",
                   help="port to serve on (default 8765)")
    d.add_argument("--host", default="127.0.0.1", metavar="HOST",
                   help="address to listen on (default 127.0.0.1, this machine only)")
    d.add_argument("--no-open", action="store_true", help="do not open a browser")
    d.set_defaults(handler=cmd_dashboard)


def cmd_dashboard(args: argparse.Namespace) -> int:
    import socket
    import subprocess

    try:
        with socket.socket(socket.AF_INET6 if ":" in args.host else socket.AF_INET) as s:
            s.bind((args.host, args.port))
    except OSError as e:
        raise ValueError(f"cannot serve on {args.host}:{args.port}: {e.strerror or e} "
                         "(choose another --port)") from None
    command = [sys.executable, "-m", "solara", "run", str(APP), "--host", args.host,
               "--port", str(args.port), "--production",
               "--no-open" if args.no_open else "--open"]
    # No telemetry: the page and the server talk to nothing but each other.
    env = {**os.environ, "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "False"}
    print(f"dashboard at http://{args.host}:{args.port}/ (Ctrl-C stops it)", file=sys.stderr)
    proc = subprocess.Popen(command, env=env)
    try:
        return proc.wait()
    except KeyboardInterrupt:
        proc.terminate()
        proc.wait()
        return 130

"""``mobilize dashboard``: serve the Solara dashboard and open it in a browser."""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

from .common import whole

APP = Path(__file__).resolve().parents[1] / "dashboard" / "app.py"


def register(sub: argparse._SubParsersAction) -> None:
    """Add ``mobilize dashboard``."""
    d = sub.add_parser(
        "dashboard", help="open the dashboard in a browser (Solara)",
        description="Serve the dashboard (mobilization/dashboard/app.py, a Solara app: one "
                    "village week by week, two villages side by side, and a district) and "
                    "open it in a browser. Stop it with Ctrl-C (SIGTERM and SIGHUP stop it "
                    "too, with its server).")
    d.add_argument("--port", type=whole(1, 65535), default=8765, metavar="P",
                   help="port to serve on (default 8765)")
    d.add_argument("--host", default="127.0.0.1", metavar="HOST",
                   help="address to listen on (default 127.0.0.1, this machine only)")
    d.add_argument("--no-open", action="store_true", help="do not open a browser")
    d.set_defaults(handler=cmd_dashboard)


STOP_SIGNALS = (signal.SIGTERM, signal.SIGHUP)
"""Signals that stop the dashboard as Ctrl-C does: ``kill``, a service manager or ``uv
run``'s forwarding send SIGTERM; a closed terminal sends SIGHUP."""
STOP_TIMEOUT = 10.0
"""Seconds the server has to shut down after SIGTERM before it is killed."""


class _Stopped(Exception):
    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def _raise_stopped(signum: int, _frame: object) -> None:
    raise _Stopped(signum)


def stop_server(proc: subprocess.Popen) -> None:
    """Terminate the server and wait for it; kill it if it does not stop in time."""
    proc.terminate()
    try:
        proc.wait(timeout=STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def serve(command: list[str], env: dict[str, str]) -> int:
    """Run the server ``command`` until it ends (its status), or until Ctrl-C (130),
    SIGTERM (143) or SIGHUP (129): then the server is stopped too, so nothing is left
    answering on the port."""
    main_thread = threading.current_thread() is threading.main_thread()
    # Handlers first, so a signal that arrives while the server starts is not lost.
    previous = ({s: signal.signal(s, _raise_stopped) for s in STOP_SIGNALS}
                if main_thread else {})
    proc = None
    try:
        proc = subprocess.Popen(command, env=env)
        return proc.wait()
    except KeyboardInterrupt:
        return 130
    except _Stopped as e:
        return 128 + e.signum
    finally:
        if main_thread:  # a second signal (or Ctrl-C) must not cut the stopping short
            previous[signal.SIGINT] = signal.getsignal(signal.SIGINT)
            for s in previous:
                signal.signal(s, signal.SIG_IGN)
        if proc is not None and proc.poll() is None:
            stop_server(proc)
        for s, handler in previous.items():
            signal.signal(s, handler)


def cmd_dashboard(args: argparse.Namespace) -> int:
    import socket

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
    return serve(command, env)

"""`tdkt serve --out DIR`: the output folder's tables in a browser (Datasette).

Datasette is an optional extra (`pip install 'tdkt[serve]'`). The store is not
served as it is: a serve copy with declared keys and full-text search is built
beside it (see pipeline/serve_metadata.py) and opened immutable.
"""
from __future__ import annotations

import ipaddress
import socket
import sys
import tempfile
import threading
import time

NEEDS_DATASETTE = ("tdkt serve needs Datasette: pip install 'tdkt[serve]' "
                   "(from a checkout: pip install -e '.[serve]')")
DEFAULT_PORT = 8001


def _datasette():
    """Datasette's classes, or None when it is not installed (or not a version
    this command was written for)."""
    try:
        import uvicorn
        from datasette.app import Datasette
        from datasette.database import Database
        from datasette.version import __version__
    except ImportError:
        return None
    return Datasette, Database, uvicorn, __version__


def _port_free(host: str, port: int) -> str | None:
    """Why the server could not listen on host:port (None: it can)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
        except OSError as exc:
            return exc.strerror or str(exc)
    return None


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _open_when_up(host: str, port: int, url: str, timeout: float = 30.0) -> None:
    """Open the page in the user's browser once the server answers."""
    import webbrowser
    end = time.time() + timeout
    while time.time() < end:
        try:
            with socket.create_connection((host, port), timeout=1):
                break
        except OSError:
            time.sleep(0.2)
    else:
        return
    try:
        webbrowser.open(url)
    except Exception:          # no browser here (a server, a container): the URL is printed
        pass


def run(args) -> int:
    from pathlib import Path

    from .. import serve_metadata as sm
    ds_api = _datasette()
    if ds_api is None:
        print(NEEDS_DATASETTE, file=sys.stderr)
        return 2
    Datasette, Database, uvicorn, version = ds_api
    if int(version.split(".")[0]) >= 1:
        print(f"tdkt serve: Datasette {version} is not supported yet (metadata moved in 1.0); "
              "pip install 'datasette<1.0'", file=sys.stderr)
        return 2
    out = Path(args.out)
    why = _port_free(args.host, args.port)
    if why:
        print(f"tdkt serve: cannot listen on {args.host}:{args.port}: {why}; choose another with --port",
              file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="tdkt-serve-") as scratch:
        try:
            t0 = time.perf_counter()
            path, built = sm.ensure_copy(out, scratch)
        except sm.ServeError as exc:
            print(f"tdkt serve: {exc}", file=sys.stderr)
            return 2
        if not args.quiet:
            if built is None:
                print(f"Serve copy {path} is up to date with the store")
            else:
                counts = built["tables"]
                print(f"Built the serve copy {path} in {time.perf_counter() - t0:.1f} s "
                      f"({counts.get('documents', 0):,} documents, {counts.get('citations', 0):,} citations; "
                      f"keys, links and full-text search)")
        metadata = sm.build_metadata(sm.table_columns(path), out_dir=out)
        templates = sm.write_templates(Path(scratch) / "templates")
        ds = Datasette(
            [], metadata=metadata, template_dir=str(templates),
            settings={"facet_time_limit_ms": 1000, "sql_time_limit_ms": 3000, "default_page_size": 50,
                      # suggestions try every column of a table on each page: seconds on 80,000 rows
                      "suggest_facets": False},
            cache_headers=False)
        if "_memory" in ds.databases:          # added when no file is given: nothing to show
            ds.remove_database("_memory")
        ds.add_database(Database(ds, path=str(path), is_mutable=False), name=sm.DB_NAME)
        # listening on every address (0.0.0.0, ::): the browser here opens it on this machine's
        browse = "127.0.0.1" if args.host in ("0.0.0.0", "::", "") else args.host
        url = f"http://{f'[{browse}]' if ':' in browse else browse}:{args.port}/{sm.DB_NAME}"
        if not _loopback(args.host):
            print(f"tdkt serve: listening on {args.host}: anyone who can reach this machine on port "
                  f"{args.port} can read the registry", file=sys.stderr)
        print(f"Registry at {url}  (Ctrl+C to stop)", flush=True)
        if not args.no_open:
            threading.Thread(target=_open_when_up, args=(browse, args.port, url), daemon=True).start()
        uvicorn.run(ds.app(), host=args.host, port=args.port, log_level="warning", lifespan="on")
    return 0


def register(sub) -> None:
    from . import whole_number
    p = sub.add_parser(
        "serve", help="browse, search and facet DIR's tables in a web browser (Datasette)",
        description="Open the tables `tdkt extract` wrote to DIR in Datasette, in your browser: Vietnamese "
                    "column headers and descriptions, links from each citation to its registry entry and "
                    "document and back, full-text search over sentences and titles (tones and case ignored), "
                    "facets by province, year, kind and status, and a JSON API (/registry/citations.json). "
                    "A serve copy of the store with keys and search indexes is built once, as DIR/serve.sqlite "
                    "(in a temporary folder when DIR cannot be written), and again only when the store "
                    "changed: restart `tdkt serve` after an extract to see its rows. "
                    "Listens on 127.0.0.1 (this machine only) unless --host says otherwise. "
                    "Needs the optional extra: pip install 'tdkt[serve]'.")
    p.add_argument("--out", required=True, metavar="DIR", help="the output folder `tdkt extract` filled")
    p.add_argument("--port", type=whole_number(1, 65535), default=DEFAULT_PORT, metavar="N",
                   help=f"the port to listen on (default {DEFAULT_PORT})")
    p.add_argument("--host", default="127.0.0.1",
                   help="the address to listen on (default 127.0.0.1: this machine only; 0.0.0.0 opens it "
                        "to the network)")
    p.add_argument("--no-open", action="store_true", help="do not open a browser; only print the address")
    p.add_argument("--quiet", action="store_true", help="print nothing but the address and errors")
    p.set_defaults(func=run)

"""The widget's JSON under load, beside the framework's and the machine's ceilings.

One run, on the loopback, with ``wrk -t2 -c32 -d10s --latency``:

1. the widget  GET /widgets/gallery.json?tag=beach&limit=24 on ``tellus serve``
   (Granian, the production server) over a throwaway data folder seeded with
   --items published photos;
2. the framework's ceiling: a minimal Django view returning the same bytes
   from memory, on the same server, through the same middleware (added by
   this benchmark's own URL module, never by the production URLs);
3. the machine's ceiling: nginx serving the same bytes as a static file;
4. the documented production setup: nginx as a caching reverse proxy in front
   of ``tellus serve``, honouring the widget's Cache-Control.

Prints requests per second and p99 latency for each, with the ratios that
matter: the widget against the framework's ceiling (goal: at least 0.9) and
the cached setup against nginx's static ceiling.

Needs the Debian packages wrk and nginx. Run:
``.venv/bin/python benchmarks/widget/run.py`` (``--help`` for the options).
"""

from __future__ import annotations

import argparse
import os
import pwd
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from tqdm import tqdm

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
BIN = ROOT / ".venv" / "bin"
WIDGET_PATH = "/widgets/gallery.json?tag=beach&limit=24"
UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 60e3}


@dataclass
class Result:
    rps: float
    p99_ms: float
    errors: int


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for(url: str, seconds: float = 60.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.2)
    raise SystemExit(f"{url} did not answer within {seconds:.0f} s")


def fetch(url: str) -> tuple[bytes, dict[str, str]]:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.read(), {k.lower(): v for k, v in response.headers.items()}


def parse_wrk(output: str) -> Result:
    rps = re.search(r"Requests/sec:\s+([\d.]+)", output)
    p99 = re.search(r"^\s+99%\s+([\d.]+)(us|ms|s|m)\s*$", output, re.MULTILINE)
    if not rps or not p99:
        raise SystemExit(f"could not read wrk's output:\n{output}")
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    socket_errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    errors = int(bad.group(1)) if bad else 0
    if socket_errors:
        errors += sum(int(g) for g in socket_errors.groups())
    return Result(float(rps.group(1)), float(p99.group(1)) * UNITS[p99.group(2)], errors)


def wrk(url: str, *, threads: int, connections: int, seconds: int) -> Result:
    done = subprocess.run(
        ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency", url],
        capture_output=True,
        text=True,
        check=True,
    )
    return parse_wrk(done.stdout)


NGINX_CONF = """\
{user}worker_processes auto;
pid {dir}/nginx.pid;
error_log {dir}/nginx-error.log warn;
events {{ worker_connections 4096; }}
http {{
    access_log off;
    client_body_temp_path {dir}/client_body;
    proxy_temp_path {dir}/proxy_temp;
    fastcgi_temp_path {dir}/fastcgi_temp;
    uwsgi_temp_path {dir}/uwsgi_temp;
    scgi_temp_path {dir}/scgi_temp;
    types {{ application/json json; }}
    default_type application/octet-stream;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 1000000;
    open_file_cache max=64 inactive=60s;

    # The machine's ceiling: the widget's bytes as a static file.
    server {{
        listen 127.0.0.1:{static_port};
        root {dir}/static;
    }}

    # The production setup (see docs/widgets.md): a cache that honours our Cache-Control.
    proxy_cache_path {dir}/cache levels=1:2 keys_zone=tellus_widgets:10m max_size=256m
                     inactive=10m use_temp_path=off;
    upstream tellus {{
        server 127.0.0.1:{tellus_port};
        keepalive 32;
    }}
    server {{
        listen 127.0.0.1:{proxy_port};
        location /widgets/ {{
            proxy_pass http://tellus;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $host;
            proxy_cache tellus_widgets;
            proxy_cache_lock on;
            proxy_cache_revalidate on;
            proxy_cache_background_update on;
            proxy_cache_use_stale updating error timeout http_500 http_502 http_503 http_504;
            proxy_ignore_headers Vary;
            add_header X-Cache-Status $upstream_cache_status always;
        }}
    }}
}}
"""


class Processes:
    """The servers this benchmark started, stopped by their own process ids."""

    def __init__(self) -> None:
        self.started: list[subprocess.Popen[bytes]] = []

    def start(self, args: list[str], *, env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
        with log.open("wb") as out:
            proc = subprocess.Popen(
                args, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
            )
        self.started.append(proc)
        return proc

    def stop(self) -> None:
        for proc in reversed(self.started):
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
                try:
                    proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    os.killpg(proc.pid, signal.SIGKILL)
                    proc.wait()


def tellus_env(data: Path, body: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "TELLUS_"))}
    env.pop("DATABASE_URL", None)
    env.pop("REDIS_URL", None)
    env.pop("CELERY_BROKER_URL", None)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "bench_settings",
            "PYTHONPATH": os.pathsep.join([str(HERE), env.get("PYTHONPATH", "")]).rstrip(
                os.pathsep
            ),
            "TELLUS_DATA_DIR": str(data),
            "TELLUS_BENCH_BODY": str(body),
            "DEBUG": "0",
            "LOG_LEVEL": "WARNING",
        }
    )
    return env


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--items", type=int, default=500, help="published items to seed")
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk run")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--connections", type=int, default=32, help="wrk connections")
    parser.add_argument("--rounds", type=int, default=1, help="rounds (medians are reported)")
    parser.add_argument("--keep", action="store_true", help="keep the data folder afterwards")
    args = parser.parse_args()
    for tool in ("wrk", "nginx"):
        if not shutil.which(tool) and not Path(f"/usr/sbin/{tool}").exists():
            raise SystemExit(f"{tool} is missing: apt-get install {tool}")
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"

    work = Path(tempfile.mkdtemp(prefix="tellus-widget-bench-"))
    data, static = work / "data", work / "static"
    static.mkdir()
    body_file = static / "widget.json"
    env = tellus_env(data, body_file)
    procs = Processes()
    try:
        print(f"Data folder: {work}", flush=True)
        subprocess.run([BIN / "tellus", "migrate", "--no-input", "-v0"], env=env, check=True)
        subprocess.run(
            [BIN / "python", HERE / "seed.py", "--items", str(args.items)], env=env, check=True
        )
        tellus_port, static_port, proxy_port = free_port(), free_port(), free_port()
        procs.start(
            [str(BIN / "tellus"), "serve", "--no-setup", "--port", str(tellus_port)],
            env=env,
            log=work / "tellus.log",
        )
        tellus = f"http://127.0.0.1:{tellus_port}"
        wait_for(f"{tellus}/healthz")
        body, headers = fetch(tellus + WIDGET_PATH)
        items = body.count(b'"contributor"')
        for header in ("set-cookie",):
            if header in headers:
                raise SystemExit(f"the widget sent {header}: {headers[header]}")
        body_file.write_bytes(body)

        user = pwd.getpwuid(os.geteuid()).pw_name
        (work / "nginx.conf").write_text(
            NGINX_CONF.format(
                user=f"user {user};\n" if os.geteuid() == 0 else "",
                dir=work,
                static_port=static_port,
                proxy_port=proxy_port,
                tellus_port=tellus_port,
            )
        )
        procs.start(
            [nginx, "-p", str(work), "-c", str(work / "nginx.conf"), "-g", "daemon off;"],
            env=env,
            log=work / "nginx.log",
        )
        static_url = f"http://127.0.0.1:{static_port}/widget.json"
        proxy_url = f"http://127.0.0.1:{proxy_port}{WIDGET_PATH}"
        wait_for(static_url)
        wait_for(proxy_url)
        assert fetch(static_url)[0] == body
        ceiling = fetch(f"{tellus}/bench/ceiling")[0]
        assert ceiling == body, "the ceiling view must return the widget's bytes"
        proxied, proxy_headers = fetch(proxy_url)
        assert proxied == body
        status = proxy_headers.get("x-cache-status")
        print(
            f"{items} items, {len(body):,} bytes per answer; "
            f"Cache-Control: {headers.get('cache-control')}; proxy cache now: {status}",
            flush=True,
        )

        targets = {
            "widget (tellus serve)": tellus + WIDGET_PATH,
            "Django ceiling (same server)": f"{tellus}/bench/ceiling",
            "nginx static file": static_url,
            "nginx cache -> tellus serve": proxy_url,
        }
        runs: dict[str, list[Result]] = {name: [] for name in targets}
        for url in tqdm(targets.values(), desc="warming up", unit="target", leave=False):
            wrk(url, threads=args.threads, connections=args.connections, seconds=2)
        plan = [(r, name) for r in range(args.rounds) for name in targets]
        for _round, name in tqdm(plan, desc=f"wrk {args.duration}s runs", unit="run"):
            runs[name].append(
                wrk(
                    targets[name],
                    threads=args.threads,
                    connections=args.connections,
                    seconds=args.duration,
                )
            )
        hit = fetch(proxy_url)[1].get("x-cache-status")
    finally:
        procs.stop()
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)

    rps = {name: statistics.median(r.rps for r in results) for name, results in runs.items()}
    p99 = {name: statistics.median(r.p99_ms for r in results) for name, results in runs.items()}
    errors = {name: sum(r.errors for r in results) for name, results in runs.items()}
    widget, django_ceiling = rps["widget (tellus serve)"], rps["Django ceiling (same server)"]
    nginx_static = rps["nginx static file"]

    print()
    print(
        f"wrk -t{args.threads} -c{args.connections} -d{args.duration}s --latency, "
        f"{args.rounds} round(s), {os.cpu_count()} cores, {items} items per answer "
        f"({len(body):,} bytes), {args.items} published items"
    )
    print(f"{'target':<30} {'req/s':>10} {'p99 ms':>8} {'errors':>7} {'of nginx static':>16}")
    for name in targets:
        print(
            f"{name:<30} {rps[name]:>10,.0f} {p99[name]:>8.2f} {errors[name]:>7} "
            f"{rps[name] / nginx_static:>16.2f}"
        )
    print()
    ratio = widget / django_ceiling
    print(f"widget / Django ceiling:            {ratio:.2f}  (goal >= 0.90)")
    print(f"widget / nginx static:              {widget / nginx_static:.2f}")
    print(
        f"nginx cache / nginx static:         "
        f"{rps['nginx cache -> tellus serve'] / nginx_static:.2f}  (proxy cache status: {hit})"
    )
    return 0 if ratio >= 0.9 and not any(errors.values()) else 1


if __name__ == "__main__":
    sys.exit(main())

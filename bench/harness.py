"""What every benchmark in bench/ needs: servers, clients, wrk, writers, memory. One copy of each.

A benchmark script seeds its own data and then, for example::

    from harness import ROOT, Client, gunicorn, run_wrk, run_writers, rss_per_worker

    with gunicorn("minimal_app:app", workers=4, threads=2, chdir=ROOT / "bench") as minimal:
        base = run_wrk("minimal Flask app", [minimal.port], "/", duration=5)
    with gunicorn("core:create_app()", workers=4, threads=2, env={"MITSPRACHE_INSTANCE": "..."}) as server:
        page = run_wrk("chapter page", [server.port], "/p/x/documents/chapter/1", duration=5)
        print(page.rps / base.rps, rss_per_worker(server))

Reads are driven by wrk (Debian's package; ``make bench`` installs it), a C load
generator that costs the server's cores far less than Python threads would, so the
ratio to the minimal Flask app measured in the same run is the figure to compare.
Writes need sessions, CSRF tokens and answers that are read, so they come from Python
threads with keep-alive connections (:func:`run_writers`).
"""
from __future__ import annotations

import http.client
import json
import os
import re
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "bench"
WRK_SCRIPT = BENCH / "wrk.lua"
MITSPRACHE_APP = "core:create_app()"
SHIPPED_CONFIG = "python:core.gunicorn_conf"
CSRF_RE = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|"X-CSRFToken": "([^"]+)"')

if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def percentile(values: list[float], q: float) -> float:
    """The ``q`` quantile (0..1) of ``values`` by rank; NaN when there are none."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def load_average() -> float:
    return os.getloadavg()[0]


def machine() -> str:
    """One line naming what the figures were measured on."""
    return (f"Python {sys.version.split()[0]}, {os.cpu_count()} cores, load average {load_average():.1f} "
            f"(other processes slow every figure down)")


# ---------------------------------------------------------------------------
# Serving
# ---------------------------------------------------------------------------


class Server:
    """One gunicorn master with its workers, as the README deploys it (``--preload``, gthread).

    Mitsprache itself (``core:create_app()``, or another app with ``shipped_config``) runs with the
    configuration file the README uses, ``core/gunicorn_conf.py``, so a bench measures what a
    deployment runs (its request log, its garbage-collection policy); its log goes to
    :attr:`log_path`. Other apps get the same workers, threads and ``--preload`` as flags.
    """

    def __init__(self, app_spec: str, workers: int, threads: int, env: dict | None = None,
                 chdir: Path = ROOT, port: int | None = None, timeout: float = 60,
                 shipped_config: bool | None = None):
        self.port = port or free_port()
        self.workers_wanted = workers
        gunicorn = str(Path(sys.executable).with_name("gunicorn"))
        env = {**os.environ, **(env or {})}
        self.log_path: Path | None = None
        if shipped_config is None:
            shipped_config = app_spec == MITSPRACHE_APP
        if shipped_config:
            self.command = [gunicorn, "-c", SHIPPED_CONFIG, "--chdir", str(chdir), app_spec]
            env.update(MITSPRACHE_BIND=f"127.0.0.1:{self.port}", MITSPRACHE_WORKERS=str(workers),
                       MITSPRACHE_THREADS=str(threads))
            self.log_path = Path(tempfile.gettempdir()) / f"mitsprache-bench-server-{self.port}.log"
            log = self.log_path.open("w")
        else:
            self.command = [
                gunicorn, "--preload", "--workers", str(workers), "--threads", str(threads),
                "--bind", f"127.0.0.1:{self.port}", "--log-level", "warning", "--chdir", str(chdir), app_spec,
            ]
            log = None
        try:
            self.process = subprocess.Popen(self.command, env=env, cwd=ROOT, stderr=log)
        finally:
            if log is not None:
                log.close()
        self._wait_ready(timeout)

    def _wait_ready(self, timeout: float) -> None:
        """Until the port answers and every worker is forked (a request to a missing one would wait)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"gunicorn exited with {self.process.returncode}: {' '.join(self.command)}"
                                 + self._log_tail())
            try:
                socket.create_connection(("127.0.0.1", self.port), 0.2).close()
                if len(self.workers()) >= self.workers_wanted:
                    return
            except OSError:
                pass
            time.sleep(0.1)
        self.stop()
        raise SystemExit(f"gunicorn did not start within {timeout:.0f} s: {' '.join(self.command)}" + self._log_tail())

    def _log_tail(self) -> str:
        """The last lines of the server's log, to say why it did not start."""
        if self.log_path is None or not self.log_path.exists():
            return ""
        return "\n" + "\n".join(self.log_path.read_text(errors="replace").splitlines()[-15:])

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def workers(self) -> list[int]:
        """Process ids of the workers (the master's children)."""
        path = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in path.read_text().split()] if path.exists() else []

    def stop(self) -> None:
        if self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


@contextmanager
def gunicorn(app_spec: str, workers: int, threads: int, env: dict | None = None, chdir: Path = ROOT,
             port: int | None = None, shipped_config: bool | None = None) -> Iterator[Server]:
    """A running :class:`Server`, stopped on leaving."""
    server = Server(app_spec, workers, threads, env, chdir, port, shipped_config=shipped_config)
    try:
        yield server
    finally:
        server.stop()


def rss_mb(pid: int) -> float:
    """Resident memory of one process in MB (``VmRSS`` from /proc), 0 when it is gone."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0.0
    found = re.search(r"^VmRSS:\s+(\d+) kB", status, re.M)
    return int(found.group(1)) / 1024 if found else 0.0


def cpu_seconds(pids: list[int]) -> float:
    """CPU time (user + system, all threads) the processes have used so far, in seconds; 0 for one that is gone."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime and stime: fields 14 and 15 of proc(5)
    return total / os.sysconf("SC_CLK_TCK")


def machine_cpu_seconds() -> float:
    """CPU time every process on this machine has used (user, nice, system, irq, softirq from /proc/stat:
    not idle, not waiting for the disk, not stolen by the hypervisor)."""
    user, nice, system, _idle, _iowait, irq, softirq = map(int, Path("/proc/stat").read_text().split()[1:8])
    return (user + nice + system + irq + softirq) / os.sysconf("SC_CLK_TCK")


@dataclass
class CpuUse:
    """CPU seconds used during a scenario by the servers' workers, by the clients (this process's
    Python threads and the child processes it waited for meanwhile: wrk), and by the whole machine
    (also the database, Redis and anything else running)."""

    server: float = 0.0
    client: float = 0.0
    machine: float = 0.0


@contextmanager
def cpu_used(servers: list[Server]) -> Iterator[CpuUse]:
    """Measure the CPU a scenario costs: ``with cpu_used([server]) as cpu: ...``, then ``cpu.server``.

    Both share the machine's cores, so what the server's workers and the clients in this process
    spend per request says how fast the machine could answer at best."""
    pids = [pid for server in servers for pid in server.workers()]
    used = CpuUse()
    server_before, client_before, machine_before = cpu_seconds(pids), _client_seconds(), machine_cpu_seconds()
    try:
        yield used
    finally:
        used.server = cpu_seconds(pids) - server_before
        used.client = _client_seconds() - client_before
        used.machine = machine_cpu_seconds() - machine_before


def _client_seconds() -> float:
    """CPU time of this process and of its children that have ended (each wrk run ends within its scenario)."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def rss_per_worker(server: Server) -> list[float]:
    """Resident memory of each worker in MB. Pages shared with the master after ``--preload``'s
    fork count in each worker, so the sum overstates the total: it is the per-worker ceiling."""
    return [rss_mb(pid) for pid in server.workers()]


# ---------------------------------------------------------------------------
# A browser-like client for set-up and writes
# ---------------------------------------------------------------------------


class Client:
    """A keep-alive connection with a session cookie: one person's browser (without JavaScript).

    ``freeze()`` keeps the cookie as it is: after logging in, the flashed "published" messages
    of form posts would otherwise pile up in the session, as they do not when a browser follows
    each redirect.
    """

    def __init__(self, port: int, timeout: float = 60):
        self.port = port
        self.timeout = timeout
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
        self.cookie = ""
        self.frozen = False
        self.headers: dict[str, str] = {}  # of the last answer

    def request(self, method: str, path: str, form: dict | None = None,
                headers: dict | None = None) -> tuple[int, str]:
        sent = {**(headers or {}), **({"Cookie": self.cookie} if self.cookie else {})}
        body = None
        if form is not None:
            body = urlencode(form)
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        self.conn.request(method, path, body=body, headers=sent)
        response = self.conn.getresponse()
        text = response.read().decode("utf-8", "replace")
        self.headers = {name.lower(): value for name, value in response.getheaders()}
        if not self.frozen:
            for name, value in response.getheaders():
                if name.lower() == "set-cookie" and value.startswith("session="):
                    self.cookie = value.split(";", 1)[0]
        return response.status, text

    def reconnect(self) -> None:
        self.conn.close()
        self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)

    def csrf(self, path: str) -> str:
        """The CSRF token of the page at ``path``."""
        _status, page = self.request("GET", path)
        match = CSRF_RE.search(page)
        if match is None:
            raise RuntimeError(f"no CSRF token on {path}")
        return next(group for group in match.groups() if group)

    def login(self, email: str, password: str) -> None:
        token = self.csrf("/login")
        status, _ = self.request("POST", "/login", {"csrf_token": token, "email": email, "password": password})
        if status not in (302, 303):
            raise RuntimeError(f"login failed for {email}: HTTP {status}")
        # Follow the redirect as a browser does: the page shows the "logged in" message and the session
        # cookie it sets holds no message any more (wrk replays this cookie unchanged on every request).
        self.request("GET", urlsplit(self.headers["location"]).path or "/")

    def freeze(self) -> None:
        self.frozen = True


# ---------------------------------------------------------------------------
# Reads: wrk
# ---------------------------------------------------------------------------


@dataclass
class Load:
    """The figures of one wrk run (latencies in ms)."""

    name: str
    rps: float = 0.0
    requests: int = 0
    errors: int = 0
    p50: float = float("nan")
    p90: float = float("nan")
    p99: float = float("nan")
    available: bool = True
    note: str = ""
    cpu: CpuUse | None = None  #: what the servers and this process spent, when measured (:func:`cpu_used`)

    @property
    def server_cpu_ms(self) -> float | None:
        """The servers' CPU milliseconds per request."""
        return self.cpu.server * 1000 / self.requests if self.cpu and self.requests else None

    def row(self) -> str:
        if not self.available:
            return f"{self.name:46} {'not available':>8}  {self.note}"
        return (f"{self.name:46} {self.rps:8.1f} {self.p50:8.1f} {self.p90:8.1f} {self.p99:8.1f} "
                f"{self.requests:8d} {self.errors:6d} {_cpu_column(self.server_cpu_ms)}")

    @staticmethod
    def header() -> str:
        return (f"{'scenario':46} {'req/s':>8} {'p50 ms':>8} {'p90 ms':>8} {'p99 ms':>8} {'requests':>8} {'errors':>6} "
                f"{'server CPU ms/req':>17}")


def _cpu_column(ms: float | None) -> str:
    return f"{ms:17.2f}" if ms is not None else f"{'-':>17}"


def require_wrk() -> None:
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is missing: install Debian's wrk package (make bench does: .ci/system-packages wrk)")


def run_wrk(name: str, ports: list[int], path: str, *, duration: float, connections: int = 8, threads: int = 4,
            headers: dict[str, str] | None = None, cookies: list[str] | None = None,
            expect: int = 200) -> Load:
    """``connections`` keep-alive connections GET ``path`` for ``duration`` seconds, spread over ``ports``.

    Each port is warmed up first with one request that must answer ``expect`` (an error page
    measured at full speed would flatter anyone). ``cookies`` are handed to wrk's threads in turn;
    ``threads`` should be a multiple of ``len(ports)`` so each process gets as many connections.
    """
    require_wrk()
    for port in ports:
        warm = Client(port)
        if cookies:
            warm.cookie = cookies[0]
        status, _body = warm.request("GET", path, headers=headers)
        if status != expect:
            raise RuntimeError(f"{name}: http://127.0.0.1:{port}{path} answered {status}, not {expect}")
    threads = max(1, min(threads, connections))
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{max(duration, 1):.0f}s", "-s", str(WRK_SCRIPT)]
    for header, value in (headers or {}).items():
        command += ["-H", f"{header}: {value}"]
    command.append(f"http://127.0.0.1:{ports[0]}{path}")
    env = {**os.environ, "WRK_PORTS": ",".join(map(str, ports)), "WRK_COOKIES": "|".join(cookies or [])}
    output = subprocess.run(command, capture_output=True, text=True, check=True, env=env).stdout
    line = next((line for line in output.splitlines() if line.startswith("WRK_JSON ")), None)
    if line is None:
        raise RuntimeError(f"wrk printed no figures:\n{output}")
    figures = json.loads(line.removeprefix("WRK_JSON "))
    return Load(name, rps=figures["requests"] / figures["seconds"], requests=figures["requests"],
                errors=figures["status_errors"] + figures["socket_errors"],
                p50=figures["p50"] / 1000, p90=figures["p90"] / 1000, p99=figures["p99"] / 1000)


# ---------------------------------------------------------------------------
# Writes: concurrent writers
# ---------------------------------------------------------------------------


@dataclass
class Writes:
    """Latencies (seconds) of accepted writes, errors and wall time of one :func:`run_writers` run."""

    name: str
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    elapsed: float = 0.0
    extra: dict[str, Any] = field(default_factory=dict)
    cpu: CpuUse | None = None  #: what the servers and the writers in this process spent (:func:`cpu_used`)

    def cpu_ms(self) -> tuple[float, float, float] | None:
        """CPU milliseconds per write: the servers', the Python writers' (they share the cores) and the
        whole machine's."""
        done = len(self.latencies) + self.errors
        if not self.cpu or not done:
            return None
        return tuple(seconds * 1000 / done for seconds in (self.cpu.server, self.cpu.client, self.cpu.machine))

    def floor(self, writers: int) -> str:
        """The least time the last of ``writers`` simultaneous writes can take on this machine: all the CPU
        a write costs (app workers, writers, database), spread perfectly over every core."""
        server, client, machine = self.cpu_ms()
        cores = os.cpu_count() or 1
        return (f"CPU per post: {machine:.2f} ms on the machine (app workers {server:.2f}, Python writers "
                f"{client:.2f}); {writers} posts at once on {cores} cores cannot all be answered in less than "
                f"{writers} x {machine:.2f} / {cores} = {writers * machine / cores:.1f} ms")

    @property
    def rps(self) -> float:
        return len(self.latencies) / self.elapsed if self.elapsed else 0.0

    def ms(self, q: float) -> float:
        return percentile(self.latencies, q) * 1000

    def row(self) -> str:
        cpu = self.cpu_ms()
        return (f"{self.name:46} {self.rps:8.1f} {self.ms(0.5):8.1f} {self.ms(0.9):8.1f} {self.ms(0.99):8.1f} "
                f"{len(self.latencies):8d} {self.errors:6d} {_cpu_column(cpu[0] if cpu else None)}")


def run_writers(name: str, writers: list[Any], send: Callable[[Any, int, int], bool], count: int, *,
                pause: float = 0.0) -> Writes:
    """Each of ``writers`` (prepared state: a logged-in client, its token) calls ``send(state, n, i)``
    ``count`` times, all starting together; ``send`` returns whether the write was accepted.

    ``pause`` 0 is a closed loop (each writer sends again the moment its answer arrives: the
    machine saturates). ``pause`` > 0 sends in rounds: all writers at the same instant, then a
    rest, which measures truly concurrent writes without a standing queue.
    """
    result = Writes(name)
    lock = threading.Lock()
    start = threading.Barrier(len(writers) + 1)
    rounds = threading.Barrier(len(writers))

    def writer(n: int, state: Any) -> None:
        local, errors = [], 0
        start.wait()
        for i in range(count):
            if pause:
                rounds.wait()
            began = time.perf_counter()
            try:
                ok = send(state, n, i)
            except (OSError, http.client.HTTPException):
                ok = False
                if isinstance(state, Client):
                    state.reconnect()
            took = time.perf_counter() - began
            if ok:
                local.append(took)
            else:
                errors += 1
            if pause:
                time.sleep(pause)
        with lock:
            result.latencies.extend(local)
            result.errors += errors

    threads = [threading.Thread(target=writer, args=(n, state)) for n, state in enumerate(writers)]
    for thread in threads:
        thread.start()
    began = time.perf_counter()
    start.wait()
    for thread in threads:
        thread.join()
    result.elapsed = time.perf_counter() - began
    return result


# ---------------------------------------------------------------------------
# Instances
# ---------------------------------------------------------------------------


def bench_app(instance: Path, **overrides):
    """The app of a bench instance in this process, for seeding and counting (cheap password hashes:
    hundreds of scrypt hashes would take minutes)."""
    from core import create_app

    return create_app({"PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000", **overrides}, instance_path=instance,
                      startup_checks=False)


def dispose(app) -> None:
    """Close the app's database connections (a PostgreSQL database cannot be dropped while in use)."""
    from core.extensions import db

    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def mitsprache(env: dict, *args: str) -> str:
    """Run the command line as a deployment does; stop the benchmark if it fails."""
    command = [str(Path(sys.executable).with_name("mitsprache")), *args]
    done = subprocess.run(command, env={**os.environ, **env}, cwd=ROOT, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"mitsprache {' '.join(args)} failed:\n{done.stdout}{done.stderr}")
    return done.stdout


@contextmanager
def postgres_database(server_url: str, name: str, keep: bool = False) -> Iterator[str]:
    """A fresh PostgreSQL database ``name`` on the server of ``server_url`` (dropped first if a run was
    interrupted, and again on leaving unless ``keep``); yields its URL."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    if not re.fullmatch(r"[a-z_][a-z0-9_]*", name):
        raise ValueError(f"not a plain database name: {name!r}")
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")

    def drop() -> None:
        with admin.connect() as conn:
            conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))

    drop()
    with admin.connect() as conn:
        conn.execute(text(f"CREATE DATABASE {name}"))
    try:
        yield make_url(server_url).set(database=name).render_as_string(hide_password=False)
    finally:
        if not keep:
            drop()
        admin.dispose()

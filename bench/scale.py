"""Scaling out: the commenting benchmark against 1, 2 and 4 app processes over PostgreSQL and Redis.

Run ``.venv/bin/python bench/scale.py --help``. It

1. creates a fresh PostgreSQL database (``mitsprache_bench`` on the server of
   ``--postgres``, dropped at the end) and seeds it as ``bench/commenting.py`` does:
   500 users, one chapter of 100 paragraphs, 5,000 comments, 1,000 on the busiest
   paragraph;
2. configures what several nodes need (docs/scaling.md): the page cache and the
   rate-limit counters in Redis (``--redis``), rate limits on (set far above what
   the benchmark reaches, so the Redis round trips are measured, not refusals);
3. for each process count (``--processes 1,2,4``) starts that many app processes,
   **each its own gunicorn on its own port** (``--workers`` x ``--threads`` each):
   like separate nodes behind a load balancer, every process has its own master,
   listening socket, memory cache of templates and translations, and database
   connection pool, and shares only PostgreSQL and Redis. One gunicorn with n
   workers would share one socket and the forked memory of one master: that
   measures workers on one machine, not nodes. wrk spreads its threads over the
   ports round-robin (``bench/wrk.lua``), so each process gets the same number of
   connections;
4. prints, per process count, requests per second of the read scenarios
   (anonymous and logged-in chapter, the busiest thread logged in) and posting
   with ``--writers`` concurrent writers spread over the processes (p99, lost,
   duplicated), and resident memory per worker.

On one machine the processes share its cores, so the figures show what sharing
PostgreSQL and Redis costs and where the database saturates, not the gain of
adding machines; measure on separate machines for that. Durations are options:
``--duration 3 --posts 5`` is a trial run, the defaults are for a quiet machine.
"""
from __future__ import annotations

import argparse
import sys
import shutil
import tempfile
import time
import uuid
from contextlib import ExitStack
from pathlib import Path

from commenting import integrity, posting, seed, session_cookies, stored_texts
from harness import ROOT, Server, gunicorn, machine, postgres_database, require_wrk, rss_per_worker, run_wrk

#: Far above what one loopback address playing 500 people reaches; still counted in Redis.
GENEROUS = "1000000 per minute"


def settings_for(database_url: str, redis_url: str, prefix: str) -> dict:
    """config.toml of every node: one database, one Redis for the cache and the rate limits."""
    return {
        "database_url": database_url,
        "redis_url": redis_url,
        "cache_type": "RedisCache",
        "cache_redis_url": redis_url,
        "cache_key_prefix": f"{prefix}-cache-",
        "ratelimit_key_prefix": f"{prefix}-limits",
        "ratelimit_enabled": True,
        "login_rate_limit": GENEROUS,
        "login_address_rate_limit": GENEROUS,
        "comment_rate_limit": GENEROUS,
    }


def clear_redis(redis_url: str, prefix: str) -> None:
    import redis

    client = redis.Redis.from_url(redis_url)
    for key in client.scan_iter(f"*{prefix}*"):
        client.delete(key)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--processes", default="1,2,4", help="app process counts to compare, e.g. 1,2,4")
    parser.add_argument("--workers", type=int, default=1, help="gunicorn workers per app process")
    parser.add_argument("--threads", type=int, default=2, help="gunicorn threads per worker")
    parser.add_argument("--duration", type=float, default=10.0, help="seconds per read scenario (wrk)")
    parser.add_argument("--connections", type=int, default=8, help="wrk connections")
    parser.add_argument("--wrk-threads", type=int, default=4, help="wrk threads: a multiple of every process count")
    parser.add_argument("--writers", type=int, default=32, help="concurrent writers")
    parser.add_argument("--posts", type=int, default=25, help="comments per writer and process count")
    parser.add_argument("--round-pause", type=float, default=0.3, help="seconds between rounds of simultaneous posts")
    parser.add_argument("--p99-target", type=float, default=100.0, help="posting p99 target in ms")
    parser.add_argument("--users", type=int, default=500)
    parser.add_argument("--paragraphs", type=int, default=100)
    parser.add_argument("--comments", type=int, default=5000)
    parser.add_argument("--busy", type=int, default=1000, help="comments on the busiest paragraph")
    parser.add_argument("--postgres", default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres",
                        help="a PostgreSQL server URL whose user may create databases")
    parser.add_argument("--database-name", default="mitsprache_bench")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/2")
    args = parser.parse_args()
    require_wrk()
    counts = [int(n) for n in args.processes.split(",")]
    prefix = f"bench-{uuid.uuid4().hex[:8]}"

    instance = Path(tempfile.mkdtemp(prefix="mitsprache-scale-"))
    try:
        with postgres_database(args.postgres, args.database_name) as database_url:
            began = time.perf_counter()
            paths = seed(instance, args.users, args.paragraphs, args.comments, args.busy,
                         **settings_for(database_url, args.redis, prefix))
            print(f"Seeded PostgreSQL database {args.database_name}: {args.users} users, {args.paragraphs} paragraphs, "
                  f"{args.comments} comments ({args.busy} on the busiest paragraph) in {time.perf_counter() - began:.1f} s")
            print(f"each app process: gunicorn --workers {args.workers} --threads {args.threads} on its own port; "
                  f"cache and rate limits in Redis ({args.redis}); wrk -t{args.wrk_threads} -c{args.connections} "
                  f"-d{args.duration:.0f}s over the ports; {args.writers} writers; {machine()}")
            env = {"MITSPRACHE_INSTANCE": str(instance)}
            options = {"duration": args.duration, "connections": args.connections, "threads": args.wrk_threads}
            emails = [f"user{i}@bench.example" for i in range(max(args.wrk_threads, args.writers))]
            with gunicorn("minimal_app:app", args.workers, args.threads, env, ROOT / "bench") as server:
                minimal = run_wrk("minimal Flask app, 1 process", [server.port], "/", **options)
            rows = []
            for count in counts:
                with ExitStack() as stack:
                    servers = []
                    for _ in range(count):
                        servers.append(Server("core:create_app()", args.workers, args.threads, env))
                        stack.callback(servers[-1].stop)
                    ports = [server.port for server in servers]
                    cookies = session_cookies(ports[0], emails[:args.wrk_threads])
                    loads = [
                        run_wrk("chapter, anonymous", ports, paths["chapter"], **options),
                        run_wrk("chapter, logged in", ports, paths["chapter"], cookies=cookies, **options),
                        run_wrk("busiest thread, logged in", ports, paths["thread"], cookies=cookies, **options),
                    ]
                    run = f"Scale-{count}-{uuid.uuid4().hex[:6]}"
                    writes = posting(ports, paths, emails[:args.writers], args.posts, htmx=True,
                                     pause=args.round_pause, run=run, servers=servers)
                    lost, duplicated = integrity(writes, stored_texts(instance, run))
                    rss = [mb for server in servers for mb in rss_per_worker(server)]
                    rows.append((count, loads, writes, lost, duplicated, rss))

        print()
        print(f"minimal Flask app (1 process, {args.workers} x {args.threads}): {minimal.rps:.0f} req/s")
        print(f"{'processes':>9} {'scenario':28} {'req/s':>8} {'x 1 proc':>8} {'p50 ms':>8} {'p99 ms':>8} {'errors':>6}")
        first = {load.name: load.rps for load in rows[0][1]} if rows else {}
        for count, loads, writes, lost, duplicated, rss in rows:
            for load in loads:
                gain = load.rps / first[load.name] if first.get(load.name) else float("nan")
                print(f"{count:9d} {load.name:28} {load.rps:8.1f} {gain:8.2f} {load.p50:8.1f} {load.p99:8.1f} "
                      f"{load.errors:6d}")
            ok = writes.ms(0.99) < args.p99_target and writes.errors == 0 and lost == 0 and duplicated == 0
            print(f"{count:9d} {'posting (htmx, rounds)':28} {writes.rps:8.1f} {'':>8} {writes.ms(0.5):8.1f} "
                  f"{writes.ms(0.99):8.1f} {writes.errors:6d}  lost {lost}, duplicated {duplicated}, "
                  f"p99 target < {args.p99_target:.0f} ms {'OK' if ok else 'MISSED'}")
            if writes.cpu_ms():
                print(f"{'':9} {writes.floor(args.writers)}")
            print(f"{count:9d} {'resident MB per worker':28} {', '.join(f'{mb:.0f}' for mb in rss)}")
        return 0
    finally:
        clear_redis(args.redis, prefix)
        shutil.rmtree(instance, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())

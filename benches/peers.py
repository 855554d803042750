#!/usr/bin/env python3
"""Same-run comparison of loadlab against wrk and oha on this machine.

nginx (one worker, `return 200`) is pinned to CPU 0 and every generator to CPU 1, so tools do
not compete with the target. Tools are interleaved within each round and the medians over
ROUNDS rounds are reported, with ratios to the peers from the same run.

  closed model: 50 connections, HTTP/1.1 keep-alive, as fast as possible
                -> requests/s and generator CPU microseconds per request
  open model:   RATE requests/s (oha -q with latency correction; loadlab open model)
                -> achieved rate, p50, p99, generator CPU microseconds per request

Environment: ROUNDS (6), DURATION seconds (10), RATE (5000), PORT (18090),
LOADLAB (target/release/loadlab), OHA (oha on PATH or ~/.cargo/bin/oha).
"""
import json, os, re, resource, shutil, statistics, subprocess, sys, tempfile, time

ROUNDS = int(os.environ.get("ROUNDS", 6))
DURATION = int(os.environ.get("DURATION", 10))
RATE = int(os.environ.get("RATE", 5000))
PORT = int(os.environ.get("PORT", 18090))
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LOADLAB = os.environ.get("LOADLAB", os.path.join(ROOT, "target/release/loadlab"))
OHA = os.environ.get("OHA") or shutil.which("oha") or os.path.expanduser("~/.cargo/bin/oha")
URL = f"http://127.0.0.1:{PORT}/"
work = tempfile.mkdtemp(prefix="loadlab-peers-")


def children_cpu():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def timed(cmd):
    """Runs cmd pinned to CPU 1; returns (stdout, CPU seconds it used)."""
    before = children_cpu()
    out = subprocess.run(["taskset", "-c", "1", *cmd], capture_output=True, text=True, timeout=DURATION * 4 + 60)
    if out.returncode not in (0, 1):
        sys.exit(f"{cmd[0]} failed ({out.returncode}): {out.stderr[-2000:]}")
    return out.stdout, children_cpu() - before


def start_nginx():
    conf = os.path.join(work, "nginx.conf")
    with open(conf, "w") as f:
        f.write(f"""worker_processes 1; daemon off; pid {work}/nginx.pid; error_log {work}/error.log;
events {{ worker_connections 4096; }}
http {{ access_log off; keepalive_requests 10000000; keepalive_timeout 300s;
  server {{ listen 127.0.0.1:{PORT}; location / {{ return 200 "ok"; }} }} }}
""")
    proc = subprocess.Popen(["taskset", "-c", "0", "nginx", "-c", conf, "-p", work])
    for _ in range(50):
        try:
            subprocess.run(["curl", "-sf", URL], capture_output=True, timeout=1, check=True)
            return proc
        except Exception:
            time.sleep(0.1)
    sys.exit("nginx did not start")


def micros(text):
    m = re.match(r"([\d.]+)(µs|us|ms|s)$", text)
    v = float(m.group(1))
    return v * {"µs": 1, "us": 1, "ms": 1e3, "s": 1e6}[m.group(2)]


def scenario(model, send_ahead=None):
    path = os.path.join(work, f"{model}-{send_ahead}.toml")
    load = (f'model = "closed"\n[[load.stage]]\nname = "run"\nduration = "{DURATION}s"\nusers = 50\n'
            if model == "closed" else
            f'model = "open"\n' + (f'send_ahead = "{send_ahead}"\n' if send_ahead else '') + f'[[load.stage]]\nname = "run"\nduration = "{DURATION}s"\nrate = {RATE}\n')
    with open(path, "w") as f:
        f.write(f'name = "peers-{model}"\ntarget = "{URL}"\n[http]\nmax_in_flight = 50\n'
                f'[[request]]\nname = "root"\npath = "/"\n[load]\n{load}')
    return path


def loadlab(model, send_ahead=None):
    out_dir = os.path.join(work, f"ll-{model}-{time.time_ns()}")
    _, cpu = timed([LOADLAB, "run", scenario(model, send_ahead), "--threads", "1", "--out", out_dir, "-q"])
    report = subprocess.run([LOADLAB, "report", out_dir], capture_output=True, text=True).stdout
    row = next(l.split() for l in report.splitlines() if l.strip().startswith("run "))
    result = json.load(open(os.path.join(out_dir, "result.json")))
    sent = sum(s["sent"] for s in result["timeline"])
    return {"requests": sent, "rps": sent / DURATION, "cpu_us": cpu / sent * 1e6,
            "p50_us": micros(row[6]), "p99_us": micros(row[8])}


def wrk():
    out, cpu = timed(["wrk", "-t1", "-c50", f"-d{DURATION}s", URL])
    n = int(re.search(r"(\d+) requests in", out).group(1))
    return {"requests": n, "rps": n / DURATION, "cpu_us": cpu / n * 1e6}


def oha(rate=None):
    cmd = [OHA, "--no-tui", "--output-format", "json", "-z", f"{DURATION}s", "-c", "50", URL]
    if rate:
        cmd[1:1] = ["-q", str(rate), "--latency-correction"]
    out, cpu = timed(cmd)
    j = json.loads(out)
    n = sum(j["statusCodeDistribution"].values())
    return {"requests": n, "rps": n / DURATION, "cpu_us": cpu / n * 1e6,
            "p50_us": j["latencyPercentiles"]["p50"] * 1e6, "p99_us": j["latencyPercentiles"]["p99"] * 1e6}


def median(runs, key):
    return statistics.median(r[key] for r in runs)


def main():
    nginx = start_nginx()
    runs = {k: [] for k in ["wrk", "oha", "loadlab", "oha-open", "loadlab-open", "loadlab-open-exact"]}
    try:
        for i in range(ROUNDS):
            runs["wrk"].append(wrk())
            runs["oha"].append(oha())
            runs["loadlab"].append(loadlab("closed"))
            runs["oha-open"].append(oha(RATE))
            runs["loadlab-open"].append(loadlab("open"))
            runs["loadlab-open-exact"].append(loadlab("open", send_ahead="0s"))
            print(f"round {i + 1}/{ROUNDS}: " + ", ".join(f"{k} {v[-1]['rps']:.0f}/s {v[-1]['cpu_us']:.1f}µs" for k, v in runs.items()), flush=True)
    finally:
        nginx.terminate()
    print(f"\nmedians of {ROUNDS} rounds, {DURATION}s each; nginx on CPU 0, generator on CPU 1\n")
    print("closed model, 50 connections     req/s    CPU µs/req")
    for k in ["wrk", "oha", "loadlab"]:
        print(f"  {k:<30} {median(runs[k], 'rps'):>8.0f}  {median(runs[k], 'cpu_us'):>10.2f}")
    ll = median(runs["loadlab"], "cpu_us")
    print(f"  loadlab / wrk CPU per request: {ll / median(runs['wrk'], 'cpu_us'):.2f}x;"
          f" loadlab / oha: {ll / median(runs['oha'], 'cpu_us'):.2f}x")
    print(f"\nopen model at {RATE}/s                achieved/s   p50 µs   p99 µs  CPU µs/req")
    for k in ["oha-open", "loadlab-open", "loadlab-open-exact"]:
        print(f"  {k:<30} {median(runs[k], 'rps'):>9.1f} {median(runs[k], 'p50_us'):>8.0f} {median(runs[k], 'p99_us'):>8.0f}  {median(runs[k], 'cpu_us'):>9.2f}")
    print(f"  rate accuracy (loadlab): {abs(median(runs['loadlab-open'], 'rps') / RATE - 1) * 100:.3f}% off")
    print("  (loadlab-open: default send_ahead = 200µs; loadlab-open-exact: send_ahead = 0s)")


if __name__ == "__main__":
    main()

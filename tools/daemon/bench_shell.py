#!/usr/bin/env python3
"""Operator-visible costs of clearwayd's shell (docs/benchmarks.md, "Daemon shell").

usage: tools/daemon/bench_shell.py BUILD_DIR
Starts two daemons in fresh temporary data dirs, then measures: clearway-cli getinfo end to end
(process start included), the first connect between the daemons (BOLT 8 handshake + init, via
the CLI), a raw getinfo round trip on the unix socket (no process start), a metrics scrape over
TCP, and the daemon's CPU time and RSS while idle for 10 s. Stops both daemons with SIGTERM and
checks they exit 0.
"""
import json, os, shutil, signal, socket, statistics, subprocess, sys, tempfile, time

build = sys.argv[1]
daemon = os.path.join(build, "tools/daemon/clearwayd")
cli_bin = os.path.join(build, "tools/cli/clearway-cli")
root = tempfile.mkdtemp(prefix="cwbench")
dirs = [os.path.join(root, n) for n in ("a", "b")]


def cli(d, *args):
    return subprocess.run([cli_bin, "--data-dir", d, *args], capture_output=True, text=True)


def wait_ready(d):
    for _ in range(2000):
        r = cli(d, "getinfo")
        if r.returncode == 0:
            return json.loads(r.stdout)
        time.sleep(0.01)
    sys.exit("daemon in %s did not start" % d)


def pct(values, q):
    return sorted(values)[int(len(values) * q) - 1]


procs = [subprocess.Popen([daemon, "--data_dir=" + d, "--listen=127.0.0.1:0", "--metrics_listen=127.0.0.1:0",
                           "--log_level=warn"]) for d in dirs]
try:
    a, b = (wait_ready(d) for d in dirs)
    ts = []
    for _ in range(100):
        t = time.perf_counter()
        assert cli(dirs[0], "getinfo").returncode == 0
        ts.append(time.perf_counter() - t)
    print("clearway-cli getinfo, wall: median %.1f ms, p90 %.1f ms" % (statistics.median(ts) * 1e3, pct(ts, 0.9) * 1e3))
    t = time.perf_counter()
    r = cli(dirs[0], "connect", "%s@127.0.0.1:%d" % (b["node_id"], b["listen"]["port"]))
    assert r.returncode == 0, r.stderr
    print("first connect A->B via clearway-cli, wall: %.1f ms" % ((time.perf_counter() - t) * 1e3))
    token = open(os.path.join(dirs[0], "rpc.token")).read().strip()
    ts = []
    for i in range(1000):
        s = socket.socket(socket.AF_UNIX)
        s.connect(os.path.join(dirs[0], "clearwayd.sock"))
        body = json.dumps({"id": i, "token": token, "method": "getinfo"}).encode()
        t = time.perf_counter()
        s.sendall(len(body).to_bytes(4, "big") + body)
        buf = b""
        while len(buf) < 4 or len(buf) < 4 + int.from_bytes(buf[:4], "big"):
            buf += s.recv(65536)
        ts.append(time.perf_counter() - t)
        s.close()
    print("raw getinfo round trip on the unix socket: median %.0f us, p90 %.0f us" %
          (statistics.median(ts) * 1e6, pct(ts, 0.9) * 1e6))
    ts = []
    for _ in range(300):
        t = time.perf_counter()
        s = socket.create_connection(("127.0.0.1", a["metrics"]["port"]))
        s.sendall(b"GET /metrics HTTP/1.0\r\n\r\n")
        buf = b""
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            buf += chunk
        ts.append(time.perf_counter() - t)
        s.close()
    print("metrics scrape (%d bytes): median %.0f us, p90 %.0f us" % (len(buf), statistics.median(ts) * 1e6, pct(ts, 0.9) * 1e6))
    tick = os.sysconf("SC_CLK_TCK")
    def cpu(pid):
        f = open("/proc/%d/stat" % pid).read().rsplit(")", 1)[1].split()
        return (int(f[11]) + int(f[12])) / tick
    c0 = cpu(procs[0].pid)
    time.sleep(10)
    rss = [l for l in open("/proc/%d/status" % procs[0].pid) if l.startswith("VmRSS")][0].split()[1]
    print("idle 10 s: %.2f s CPU, RSS %s kB" % (cpu(procs[0].pid) - c0, rss))
finally:
    for p in procs:
        p.send_signal(signal.SIGTERM)
    codes = [p.wait(timeout=20) for p in procs]
    shutil.rmtree(root, ignore_errors=True)
print("exit codes after SIGTERM:", codes)

#!/usr/bin/env python3
"""Daemon-to-daemon payment throughput (docs/benchmarks.md, "Daemon-to-daemon payments").

usage: tools/daemon/bench_payments.py BUILD_DIR [--payments N] [--concurrency K] [--hops 1|2]
                                      [--amount MSAT] [--json FILE]
Starts anvil (from the build's npm tools) on a free loopback port, then 2 clearwayd (A->B, 1 hop)
or 3 (A->B->C, 2 hops) on fresh data dirs with anvil dev keys, connects them, opens the channels
(both sides deposit 10^12 msat), creates N invoices at the payee over the RPC socket, and pays them
from A with K concurrent RPC connections (raw frames on the unix socket: no process start-up is
measured). Reports payments/s (wall), per-payment latency p50/p99, fsyncs per payment (sum of
clearway_fsyncs_total over every daemon), commits and mean commit batch size, CPU seconds per
payment of each daemon (/proc/<pid>/stat), and checks that every payment succeeded and that the
balances moved by exactly N * amount (+ B's fees). Everything is stopped (SIGTERM to the daemons,
anvil killed) also on failure. Exit status 0 only when every check passed.
"""
import argparse, json, os, selectors, shutil, signal, socket, subprocess, sys, tempfile, time
import urllib.request

DEV_KEYS = ["ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80",
            "59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d",
            "5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a"]
DEPOSIT_MSAT = 1_000_000_000_000
TICK = os.sysconf("SC_CLK_TCK")


class BenchFailure(Exception):
    pass


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def wait_until(what, predicate, timeout_s=60.0, step_s=0.05):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(step_s)
    raise BenchFailure("timed out after %.0f s waiting for %s" % (timeout_s, what))


def recv_frame(sock):
    buf = b""
    while len(buf) < 4 or len(buf) < 4 + int.from_bytes(buf[:4], "big"):
        chunk = sock.recv(1 << 20)
        if not chunk:
            raise BenchFailure("RPC connection closed by the daemon")
        buf += chunk
    n = int.from_bytes(buf[:4], "big")
    return json.loads(buf[4:4 + n])


class Rpc:
    """Control calls to a daemon's RPC socket: a fresh connection per call (the daemon closes
    connections idle for 30 s, and a c=1 run is longer than that)."""

    def __init__(self, data_dir):
        self.dir = data_dir
        self.token = open(os.path.join(data_dir, "rpc.token")).read().strip()
        self.next_id = 1

    def call(self, method, **params):
        req = {"id": self.next_id, "token": self.token, "method": method}
        if params:
            req["params"] = params
        self.next_id += 1
        body = json.dumps(req).encode()
        sock = socket.socket(socket.AF_UNIX)
        try:
            sock.connect(os.path.join(self.dir, "clearwayd.sock"))
            sock.sendall(len(body).to_bytes(4, "big") + body)
            reply = recv_frame(sock)
        finally:
            sock.close()
        if "error" in reply:
            raise BenchFailure("%s %s: %s" % (method, params, reply["error"]))
        return reply["result"]


class Daemon:
    def __init__(self, binary, root, name, key, rpc_url):
        self.name = name
        self.dir = os.path.join(root, name)
        os.mkdir(self.dir, 0o700)
        key_file = os.path.join(self.dir, "identity.key")
        with open(os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w") as f:
            f.write(key + "\n")
        self.log = open(os.path.join(root, name + ".log"), "w")
        self.proc = subprocess.Popen([binary, "--network=evm", "--rpc_url=" + rpc_url, "--data_dir=" + self.dir,
                                      "--listen=127.0.0.1:0", "--metrics_listen=127.0.0.1:0", "--log_level=warn"],
                                     stdout=self.log, stderr=subprocess.STDOUT)
        self.info = wait_until("%s to answer getinfo" % name, self._getinfo, 30)
        self.rpc = Rpc(self.dir)
        self.node_id = self.info["node_id"]

    def _getinfo(self):
        if self.proc.poll() is not None:
            raise BenchFailure("%s exited with %s at start (log %s)" % (self.name, self.proc.returncode, self.log.name))
        try:
            return Rpc(self.dir).call("getinfo")
        except (OSError, BenchFailure):
            return None

    def cpu_s(self):
        f = open("/proc/%d/stat" % self.proc.pid).read().rsplit(")", 1)[1].split()
        return (int(f[11]) + int(f[12])) / TICK

    def metrics(self):
        s = socket.create_connection(("127.0.0.1", self.info["metrics"]["port"]))
        s.sendall(b"GET /metrics HTTP/1.0\r\n\r\n")
        buf = b""
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            buf += chunk
        s.close()
        values = {}
        for line in buf.decode().split("\r\n\r\n", 1)[-1].splitlines():
            if line and not line.startswith("#"):
                name, _, value = line.rpartition(" ")
                values[name] = float(value)
        return values

    def channels(self):
        return self.rpc.call("listchannels")["channels"]

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            code = self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            code = "killed after 20 s"
        self.log.close()
        return code


def pct(values, q):
    s = sorted(values)
    return s[min(len(s) - 1, max(0, int(round(len(s) * q)) - 1))]


def pay_all(payer_dir, invoices, concurrency):
    """Pays every invoice over `concurrency` connections, each with one request outstanding.
    One selector loop in this thread: the client's own CPU stays small and latency is exact."""
    token = open(os.path.join(payer_dir, "rpc.token")).read().strip()
    sel = selectors.DefaultSelector()
    queue = list(enumerate(invoices))
    queue.reverse()
    latencies, failures, fees = [], [], []
    conns = []

    def send_next(conn):
        if not queue:
            sel.unregister(conn["sock"])
            conn["sock"].close()
            return
        i, inv = queue.pop()
        body = json.dumps({"id": i, "token": token, "method": "pay", "params": {"invoice": inv}}).encode()
        conn.update(buf=b"", sent=time.perf_counter(), id=i)
        conn["sock"].sendall(len(body).to_bytes(4, "big") + body)

    for _ in range(min(concurrency, len(invoices))):
        s = socket.socket(socket.AF_UNIX)
        s.connect(os.path.join(payer_dir, "clearwayd.sock"))
        conn = {"sock": s}
        conns.append(conn)
        sel.register(s, selectors.EVENT_READ, conn)
    start = time.perf_counter()
    for conn in conns:
        send_next(conn)
    open_conns = len(conns)
    while len(latencies) + len(failures) < len(invoices):
        events = sel.select(timeout=60)
        if not events:
            raise BenchFailure("no pay answer for 60 s (%d done)" % (len(latencies) + len(failures)))
        for key, _ in events:
            conn = key.data
            chunk = conn["sock"].recv(1 << 20)
            if not chunk:
                raise BenchFailure("the daemon closed a pay connection")
            conn["buf"] += chunk
            buf = conn["buf"]
            if len(buf) < 4 or len(buf) < 4 + int.from_bytes(buf[:4], "big"):
                continue
            reply = json.loads(buf[4:4 + int.from_bytes(buf[:4], "big")])
            now = time.perf_counter()
            if reply.get("id") != conn["id"] and "error" not in reply:
                raise BenchFailure("answer for id %s on the connection waiting for %s" % (reply.get("id"), conn["id"]))
            if "error" in reply:
                failures.append((conn["id"], reply["error"]))
            else:
                latencies.append(now - conn["sent"])
                fees.append(reply["result"].get("fee_msat", 0))
            send_next(conn)
    wall = time.perf_counter() - start
    sel.close()
    return wall, latencies, failures, fees


def wait_anvil(url, anvil):
    def ready():
        if anvil.poll() is not None:
            raise BenchFailure("anvil exited with %s" % anvil.returncode)
        try:
            req = urllib.request.Request(url, data=b'{"jsonrpc":"2.0","id":1,"method":"eth_chainId","params":[]}',
                                         headers={"Content-Type": "application/json"})
            return urllib.request.urlopen(req, timeout=1).status == 200
        except OSError:
            return False
    wait_until("anvil at " + url, ready, 30)


def open_channel(a, b):
    cid = a.rpc.call("openchannel", node_id=b.node_id, funding_msat=DEPOSIT_MSAT,
                     peer_deposit_msat=DEPOSIT_MSAT)["channel_id"]

    def both_open():
        return all(any(c["channel_id"] == cid and c["open"] for c in d.channels()) for d in (a, b))
    wait_until("channel %s to open on both ends" % cid, both_open, 90, 0.2)
    return cid


def own_total(d):
    return sum(c["own_balance_msat"] for c in d.channels())


def calm(daemons):
    return all(c["htlcs"] == 0 for d in daemons for c in d.channels())


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("build_dir")
    ap.add_argument("--payments", type=int, default=1000)
    ap.add_argument("--concurrency", type=int, default=1)
    ap.add_argument("--hops", type=int, choices=(1, 2), default=1)
    ap.add_argument("--amount", type=int, default=5_000_000, help="msat per payment")
    ap.add_argument("--json", help="write the figures here as JSON")
    ap.add_argument("--keep", action="store_true", help="keep the temporary directory (logs, data dirs)")
    args = ap.parse_args()
    if args.payments < 1 or args.concurrency < 1:
        sys.exit("--payments and --concurrency must be at least 1")
    build = os.path.abspath(args.build_dir)
    binary = os.path.join(build, "tools/daemon/clearwayd")
    anvil_bin = os.path.join(build, "chain/evm/tools/node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil")
    for f in (binary, anvil_bin):
        if not os.access(f, os.X_OK):
            sys.exit("missing %s (build clearwayd in %s first)" % (f, build))

    root = tempfile.mkdtemp(prefix="cwpay")
    port = free_port()
    url = "http://127.0.0.1:%d" % port
    anvil = subprocess.Popen([anvil_bin, "--port", str(port), "--hardfork", "prague", "--silent"],
                             stdout=subprocess.DEVNULL, stderr=open(os.path.join(root, "anvil.log"), "w"))
    daemons, exit_codes, ok, out = [], {}, False, {}
    try:
        wait_anvil(url, anvil)
        names = ["a", "b", "c"][:args.hops + 1]
        for i, n in enumerate(names):
            daemons.append(Daemon(binary, root, n, DEV_KEYS[i], url))
        for x, y in zip(daemons, daemons[1:]):
            x.rpc.call("connect", node_id=y.node_id, address="127.0.0.1:%d" % y.info["listen"]["port"])
        t = time.perf_counter()
        chans = [open_channel(x, y) for x, y in zip(daemons, daemons[1:])]
        open_s = time.perf_counter() - t
        payer, payee = daemons[0], daemons[-1]
        if args.hops == 2:
            # The payee's invoice carries B as its route hint once B's policy reached C.
            wait_until("an invoice of C with B as its route hint",
                       lambda: len(payee.rpc.call("invoice", amount_msat=1000)["invoice"])
                       > 4 + 2 * (33 + 32 + 8 + 8 + 4 + 8 + 1 + 65), 60, 0.2)
        wait_until("no HTLC pending before the run", lambda: calm(daemons), 30)
        t = time.perf_counter()
        invoices = [payee.rpc.call("invoice", amount_msat=args.amount, description="bench %d" % i)["invoice"]
                    for i in range(args.payments)]
        invoice_s = time.perf_counter() - t
        before_bal = [own_total(d) for d in daemons]
        before_m = [d.metrics() for d in daemons]
        before_cpu = [d.cpu_s() for d in daemons]
        wall, lat, failures, fees = pay_all(payer.dir, invoices, args.concurrency)
        after_cpu = [d.cpu_s() for d in daemons]
        wait_until("every HTLC resolved after the run", lambda: calm(daemons), 60)
        settle_cpu = [d.cpu_s() for d in daemons]
        after_m = [d.metrics() for d in daemons]
        after_bal = [own_total(d) for d in daemons]

        n = args.payments
        delta = lambda k, i: after_m[i].get(k, 0.0) - before_m[i].get(k, 0.0)
        fsyncs = [delta("clearway_fsyncs_total", i) for i in range(len(daemons))]
        commits = [delta("clearway_commit_batch_size_count", i) for i in range(len(daemons))]
        batched = [delta("clearway_commit_batch_size_sum", i) for i in range(len(daemons))]
        commit_s = [delta("clearway_commit_latency_seconds_sum", i) for i in range(len(daemons))]
        succeeded = len(lat)
        paid = succeeded * args.amount
        fee_total = sum(fees)
        checks = {
            "all_payments_succeeded": succeeded == n and not failures,
            "payee_received_n_times_amount": after_bal[-1] - before_bal[-1] == n * args.amount,
            "payer_paid_amount_plus_fees": before_bal[0] - after_bal[0] == n * args.amount + fee_total,
            "forwarder_earned_the_fees": args.hops == 1 or after_bal[1] - before_bal[1] == fee_total,
        }
        for x, y, cid in zip(daemons, daemons[1:], chans):
            cx = next(c for c in x.channels() if c["channel_id"] == cid)
            cy = next(c for c in y.channels() if c["channel_id"] == cid)
            checks["channel_%s%s_both_ends_agree" % (x.name, y.name)] = (
                cx["own_balance_msat"] == cy["peer_balance_msat"] and cx["peer_balance_msat"] == cy["own_balance_msat"]
                and cx["sequence"] == cy["sequence"] and cx["own_balance_msat"] + cx["peer_balance_msat"] == 2 * DEPOSIT_MSAT)
        out = {
            "hops": args.hops, "payments": n, "concurrency": args.concurrency, "amount_msat": args.amount,
            "succeeded": succeeded, "failures": [{"index": i, "error": e} for i, e in failures[:10]],
            "failed": len(failures),
            "wall_s": wall, "payments_per_s": n / wall,
            "latency_ms": {"p50": pct(lat, 0.5) * 1e3, "p99": pct(lat, 0.99) * 1e3, "max": max(lat) * 1e3} if lat else None,
            "fees_msat_total": fee_total,
            "fsyncs_per_payment": sum(fsyncs) / n,
            "per_daemon": {d.name: {"fsyncs": fsyncs[i], "commits": commits[i],
                                    "mean_commit_batch": batched[i] / commits[i] if commits[i] else None,
                                    "mean_commit_ms": 1e3 * commit_s[i] / commits[i] if commits[i] else None,
                                    "cpu_s_per_payment_during_run": (after_cpu[i] - before_cpu[i]) / n,
                                    "cpu_s_per_payment_incl_settle": (settle_cpu[i] - before_cpu[i]) / n}
                           for i, d in enumerate(daemons)},
            "setup": {"open_channels_s": open_s, "create_invoices_s": invoice_s},
            "checks": checks,
        }
        ok = all(checks.values())
    except (BenchFailure, OSError, ValueError, KeyError) as e:
        print("FAILED: %s: %s" % (type(e).__name__, e), file=sys.stderr)
        dump_state(daemons, root)
    finally:
        for d in daemons:
            exit_codes[d.name] = d.stop()
        anvil.kill()
        anvil.wait()
        if not ok or args.keep:
            print("logs and data dirs kept in", root, file=sys.stderr)
        else:
            shutil.rmtree(root, ignore_errors=True)
    if out:
        out["daemon_exit_codes"] = exit_codes
        ok = ok and all(c == 0 for c in exit_codes.values())
        print_report(out)
        if args.json:
            with open(args.json, "w") as f:
                json.dump(out, f, indent=2)
    else:
        print("daemon exit codes:", exit_codes, file=sys.stderr)
    sys.exit(0 if ok else 1)


def dump_state(daemons, root):
    """After a failure, while the daemons still run: what each one holds (diag.json, a summary)."""
    diag = {}
    for d in daemons:
        if d.proc.poll() is not None:
            diag[d.name] = {"exited": d.proc.returncode}
            continue
        try:
            htlcs = d.rpc.call("listhtlcs")["htlcs"]
            m = d.metrics()
            diag[d.name] = {"channels": d.channels(), "htlcs": htlcs,
                            "metrics": {k: v for k, v in m.items() if ("payment" in k or "htlc" in k or "forward" in k)
                                        and "_bucket" not in k}}
            states = {}
            for h in htlcs:
                key = "%s/%s" % (h["direction"], h["state"])
                states[key] = states.get(key, 0) + 1
            print("  %s: htlcs %s; payments %s" % (d.name, states,
                  {k: v for k, v in m.items() if k.startswith("clearway_payments_total")}), file=sys.stderr)
        except (BenchFailure, OSError, ValueError, KeyError) as e:
            diag[d.name] = {"error": str(e)}
    with open(os.path.join(root, "diag.json"), "w") as f:
        json.dump(diag, f, indent=1)
    print("  state of every daemon in", os.path.join(root, "diag.json"), file=sys.stderr)


def print_report(o):
    print("%d hop(s), %d payments of %d msat, concurrency %d: %d succeeded, %d failed" %
          (o["hops"], o["payments"], o["amount_msat"], o["concurrency"], o["succeeded"], o["failed"]))
    for f in o["failures"]:
        print("  failure:", f)
    print("wall %.2f s -> %.1f payments/s" % (o["wall_s"], o["payments_per_s"]))
    if o["latency_ms"]:
        print("latency per payment: p50 %.1f ms, p99 %.1f ms, max %.1f ms" %
              (o["latency_ms"]["p50"], o["latency_ms"]["p99"], o["latency_ms"]["max"]))
    print("fsyncs per payment (all daemons): %.2f; fees paid %d msat" % (o["fsyncs_per_payment"], o["fees_msat_total"]))
    for name, d in o["per_daemon"].items():
        print("  %s: %d fsyncs, %d commits, mean batch %s, mean commit %s ms, CPU %.2f ms/payment (%.2f incl. settling)" %
              (name, d["fsyncs"], d["commits"],
               "%.1f" % d["mean_commit_batch"] if d["mean_commit_batch"] else "-",
               "%.2f" % d["mean_commit_ms"] if d["mean_commit_ms"] else "-",
               d["cpu_s_per_payment_during_run"] * 1e3, d["cpu_s_per_payment_incl_settle"] * 1e3))
    print("checks:", ", ".join("%s=%s" % kv for kv in o["checks"].items()))
    print("daemon exit codes after SIGTERM:", o["daemon_exit_codes"])


if __name__ == "__main__":
    main()

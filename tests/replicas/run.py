#!/usr/bin/python3 -B
"""Three medsearch replicas behind a real haproxy, configured with the block of docs/deploy.md.

Builds an index of the sample monographs, rolls it out to three replica
folders, starts a server on each and haproxy in front (free loopback ports),
and keeps a load of /search and /suggest going through haproxy while it
  1. tries a rollout of a second build that one replica cannot stage (refused:
     every replica stays on the first build),
  2. rolls the second build out to all three,
  3. kills one replica with SIGKILL.
Then checks: no request failed, every answer named the first or the second
build, none of the second before the rollout began, only the second from a
moment after it ended, every replica serves it, and the new page text is
searchable. Exit 0 on success, 1 on a failed check.

usage: run.py --medsearch PROGRAM --data MONOGRAPHS --docs DEPLOY_MD
"""
import argparse
import http.client
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from loopback import check, failures, fenced_block, free_port, listening, wait_for  # noqa: E402

# Time a server may take to see a new CURRENT (it looks every 200 ms), with room for a machine
# also running the other tests.
RELOAD_SECONDS = 2.0
# Longest a replica may take to serve an activated build (poll and load) on a machine busy with
# every other test; the answers are checked from the moment every replica says it switched.
SWITCH_LIMIT_SECONDS = 20.0


def get(port, target, timeout=10):
    """(status, build header, body) of one request on a connection of its own."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", target, headers={"Connection": "close"})
        r = conn.getresponse()
        body = r.read()
        return r.status, r.getheader("X-Medsearch-Build"), body
    finally:
        conn.close()


class Load:
    """Threads sending /search and /suggest through haproxy until stopped."""
    QUERIES = ["metformin", "ketamine", "pain", "amitriptyline", "cetirizine", "zanzibarite", "paracetamol"]

    def __init__(self, port, threads=4):
        self.port, self.stop, self.answers = port, threading.Event(), []
        self.lock = threading.Lock()
        self.threads = [threading.Thread(target=self.run, args=(i,)) for i in range(threads)]

    def run(self, n):
        i = n
        while not self.stop.is_set():
            q = self.QUERIES[i % len(self.QUERIES)]
            target = f"/search?q={q}" if i % 2 == 0 else f"/suggest?q={q[:4]}"
            started = time.monotonic()
            try:
                status, build, _ = get(self.port, target)
                error = None
            except Exception as e:  # a failed request, whatever failed
                status, build, error = None, None, repr(e)
            with self.lock:
                self.answers.append((started, time.monotonic(), target, status, build, error))
            i += 1

    def __enter__(self):
        for t in self.threads:
            t.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        for t in self.threads:
            t.join(timeout=30)


def build_id(medsearch, index):
    out = subprocess.run([medsearch, "stats", "--db", index, "--json"], check=True, capture_output=True, text=True)
    return json.loads(out.stdout)["build_id"]


def start_haproxy(docs, work, front, replica_ports):
    block = fenced_block(docs, "haproxy")
    replacements = [("bind 127.0.0.1:8080", f"bind 127.0.0.1:{front}")]
    replacements += [(f"127.0.0.1:{8081 + i}", f"127.0.0.1:{p}") for i, p in enumerate(replica_ports)]
    for old, new in replacements:
        if old not in block:
            raise SystemExit(f"docs/deploy.md's haproxy block no longer has '{old}'")
        block = block.replace(old, new)
    conf = os.path.join(work, "haproxy.cfg")
    with open(conf, "w") as f:
        f.write(block)
    haproxy = shutil.which("haproxy") or "/usr/sbin/haproxy"
    if not os.access(haproxy, os.X_OK):
        raise SystemExit("haproxy is not installed (scripts/install-deps --test installs it)")
    subprocess.run([haproxy, "-c", "-f", conf], check=True, capture_output=True)
    log = open(os.path.join(work, "haproxy.log"), "w")
    return subprocess.Popen([haproxy, "-db", "-f", conf], stdout=log, stderr=log)


def healthz_builds(ports):
    builds = []
    for p in ports:
        try:
            builds.append(json.loads(get(p, "/healthz", timeout=2)[2])["build"])
        except Exception:
            builds.append(None)
    return builds


def check_load(answers, first, second, rollout_started, switched_at, killed_at):
    failed = [a for a in answers if a[3] != 200]
    check(len(answers) > 200 and not failed,
          f"{len(answers)} requests through haproxy, {len(failed)} failed {failed[:3]}")
    builds = {a[4] for a in answers if a[3] == 200}
    check(builds <= {first, second}, f"every answer names the first or the second build: {builds}")
    early = [a for a in answers if a[1] < rollout_started and a[4] != first]
    check(not early, f"before the rollout began, only the first build answered ({len(early)} others)")
    settled = [a for a in answers if a[0] > switched_at]
    late = [a for a in settled if a[4] != second]
    if late:
        print("late:", [(round(a[0] - switched_at, 3), round(a[1] - switched_at, 3), a[2], a[4]) for a in late[:8]])
    check(len(settled) > 50 and not late,
          f"once every replica served the second build, only the second build answered "
          f"({len(settled)} answers, {len(late)} others)")
    after_kill = [a for a in answers if a[0] > killed_at]
    check(len(after_kill) > 50 and all(a[3] == 200 for a in after_kill),
          f"after one replica was killed: {len(after_kill)} requests, all answered")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--medsearch", required=True)
    ap.add_argument("--data", required=True)
    ap.add_argument("--docs", required=True)
    a = ap.parse_args()
    work = tempfile.mkdtemp(prefix="medsearch-replicas-")
    procs = []
    try:
        source, artifact = os.path.join(work, "monographs"), os.path.join(work, "artifact")
        shutil.copytree(a.data, source)
        subprocess.run([a.medsearch, "--quiet", "index", "--full", "--source", source, "--db", artifact], check=True)
        first = build_id(a.medsearch, artifact)
        replicas = [os.path.join(work, f"replica{i}", "index") for i in (1, 2, 3)]
        rollout = [a.medsearch, "rollout", "--from", artifact] + [x for r in replicas for x in ("--replica", r)]
        subprocess.run(rollout, check=True, capture_output=True)

        ports = [free_port() for _ in replicas]
        for index, port in zip(replicas, ports):
            log = open(index + ".log", "w")
            procs.append(subprocess.Popen([a.medsearch, "serve", "--db", index, "--listen", f"127.0.0.1:{port}",
                                           "--threads", "2", "--no-access-log"], stdout=log, stderr=log))
        for port in ports:
            wait_for(lambda: listening(port), 30, f"medsearch serve on {port}")
        front = free_port()
        procs.append(start_haproxy(a.docs, work, front, ports))
        wait_for(lambda: listening(front), 30, "haproxy")
        wait_for(lambda: get(front, "/healthz")[0] == 200, 30, "haproxy's first answer")
        check(healthz_builds(ports) == [first] * 3, f"every replica serves the first build {first}")

        with Load(front) as load:
            time.sleep(1.0)
            page = os.path.join(source, "m", "metformin.md")
            text = open(page, encoding="utf-8").read()
            with open(page, "w", encoding="utf-8") as f:
                f.write(text.replace("### Usage\n", "### Usage\nA zanzibarite sentence for the second build.\n", 1))
            subprocess.run([a.medsearch, "--quiet", "index", "--source", source, "--db", artifact], check=True)
            second = build_id(a.medsearch, artifact)
            check(second != first, f"a second build: {second}")

            # A replica that cannot stage (its folder's parent is a file): nothing is activated.
            blocker = os.path.join(work, "not-a-folder")
            open(blocker, "w").close()
            refused = subprocess.run(rollout + ["--replica", os.path.join(blocker, "index")],
                                     capture_output=True, text=True)
            check(refused.returncode == 1 and "not-a-folder/index: not staged" in refused.stderr and
                  "not activated" in refused.stderr, f"a rollout one replica cannot stage is refused: "
                                                     f"{refused.returncode} {refused.stderr.strip()[-300:]}")
            time.sleep(RELOAD_SECONDS)
            check(healthz_builds(ports) == [first] * 3, "after the refused rollout every replica keeps the first build")

            rollout_started = time.monotonic()
            done = subprocess.run(rollout, capture_output=True, text=True)
            rollout_done = time.monotonic()
            check(done.returncode == 0, f"the rollout of the second build: {done.stderr.strip()[-300:]}")
            deadline = rollout_done + SWITCH_LIMIT_SECONDS
            while healthz_builds(ports) != [second] * 3 and time.monotonic() < deadline:
                time.sleep(0.05)
            switched_at = time.monotonic()
            check(healthz_builds(ports) == [second] * 3,
                  f"every replica serves the second build {second}, "
                  f"{switched_at - rollout_done:.2f} s after the rollout ended")
            time.sleep(RELOAD_SECONDS)

            killed_at = time.monotonic()
            procs[1].send_signal(signal.SIGKILL)
            time.sleep(3.0)
        check_load(load.answers, first, second, rollout_started, switched_at, killed_at)
        status, build, body = get(front, "/search?q=zanzibarite")
        check(status == 200 and build == second and json.loads(body)["total"] == 1,
              f"the second build's new text is searchable through haproxy: {status} {build} {body[:200]!r}")
    finally:
        for p in procs:
            if p.poll() is None:
                p.terminate()
                try:
                    p.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    p.kill()
        if failures:
            for name in ["haproxy.log"] + [f"replica{i}/index.log" for i in (1, 2, 3)]:
                path = os.path.join(work, name)
                if os.path.exists(path):
                    print(f"--- {name}\n" + open(path).read()[-2000:])
        shutil.rmtree(work, ignore_errors=True)
    print(f"{len(failures)} failed checks" if failures else "all checks passed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

"""Servers on free loopback ports (`medsearch shard-server`), for bench/answers and bench/run."""
import socket, subprocess, time


class NotBuilt(Exception):
    """This medsearch was built without the shard server (no Xapian source package)."""


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_shard_server(medsearch, db, shard, log_path, timeout=120):
    """A shard server for shard `shard` of `db`, once it listens: (Popen,
    "127.0.0.1:PORT"). Raises NotBuilt, or RuntimeError naming its log."""
    port = free_port()
    cmd = [medsearch, "shard-server", "--db", db, "--shard", str(shard), "--port", str(port)]
    with open(log_path, "ab") as log:
        log.write(f"$ {' '.join(cmd)}\n".encode())
        log.flush()
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=log, stderr=log)
    deadline = time.monotonic() + timeout
    while True:
        if proc.poll() is not None:
            said = open(log_path, errors="replace").read().strip()
            if "built without the shard server" in said:
                raise NotBuilt(said.splitlines()[-1])
            raise RuntimeError(f"medsearch shard-server exited with {proc.returncode} (see {log_path})")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return proc, f"127.0.0.1:{port}"
        except OSError:
            if time.monotonic() > deadline:
                stop([proc])
                raise RuntimeError(f"shard server {shard} did not listen within {timeout} s (see {log_path})")
            time.sleep(0.1)


def stop(procs):
    """SIGTERM to each, SIGKILL to any still there 10 s later."""
    for proc in procs:
        proc.terminate()
    for proc in procs:
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()

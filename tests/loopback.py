"""What the tests that run medsearch beside a real proxy share: checks that
are counted, free loopback ports, waiting for a server, and the configuration
blocks of docs/deploy.md that they run."""
import re
import socket
import time

failures = []


def check(ok, what):
    print(("ok   " if ok else "FAIL ") + what)
    if not ok:
        failures.append(what)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def listening(port):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


def wait_for(pred, seconds, what):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if pred():
            return
        time.sleep(0.05)
    raise SystemExit(f"timed out waiting for {what}")


def fenced_block(docs, language):
    """The first ```LANGUAGE block of the Markdown file `docs`."""
    text = open(docs, encoding="utf-8").read()
    m = re.search(rf"```{language}\n(.*?)```", text, re.S)
    if not m:
        raise SystemExit(f"{docs}: no ```{language} block")
    return m.group(1)

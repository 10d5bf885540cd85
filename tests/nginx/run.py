#!/usr/bin/python3 -B
"""medsearch serve behind a real nginx, configured with the block of docs/deploy.md.

Starts `medsearch serve` and nginx (Debian's, with a self-signed certificate)
on free loopback ports, then checks through nginx: TLS, search, suggest, CORS,
the cached widget, the rate limit (429 + Retry-After) and that medsearch logs
the client's address, not nginx's. Exit 0 on success, 1 on a failed check.

usage: run.py --medsearch PROGRAM --data MONOGRAPHS --docs DEPLOY_MD
"""
import argparse
import http.client
import json
import os
import shutil
import signal
import ssl
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from loopback import check, failures, fenced_block, free_port, listening, wait_for  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--medsearch", required=True)
    ap.add_argument("--data", required=True)
    ap.add_argument("--docs", required=True)
    ap.add_argument("--nginx", default=shutil.which("nginx") or "/usr/sbin/nginx")
    a = ap.parse_args()
    if not os.access(a.nginx, os.X_OK):
        raise SystemExit("nginx is not installed (scripts/install-deps --test installs it)")
    work = tempfile.mkdtemp(prefix="medsearch-nginx-")
    procs = []
    try:
        index = os.path.join(work, "index")
        subprocess.run([a.medsearch, "--quiet", "index", "--source", a.data, "--db", index], check=True)
        app_port, tls_port, plain_port = free_port(), free_port(), free_port()
        serve_log = open(os.path.join(work, "serve.log"), "w+")
        serve = subprocess.Popen([a.medsearch, "serve", "--db", index, "--listen", f"127.0.0.1:{app_port}",
                                  "--threads", "2", "--cors-origin", "https://medicine.example.org",
                                  "--trusted-proxy", "127.0.0.1"], stdout=serve_log, stderr=serve_log)
        procs.append(serve)

        wait_for(lambda: listening(app_port), 30, "medsearch serve")

        key, cert = os.path.join(work, "key.pem"), os.path.join(work, "cert.pem")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert,
                        "-days", "1", "-subj", "/CN=localhost"], check=True, capture_output=True)
        block = fenced_block(a.docs, "nginx")
        for old, new in [("listen 443 ssl;", f"listen 127.0.0.1:{tls_port} ssl;"),
                         ("listen 80;", f"listen 127.0.0.1:{plain_port};"),
                         ("server 127.0.0.1:8080;", f"server 127.0.0.1:{app_port};"),
                         ("/etc/ssl/certs/search.example.org.pem", cert),
                         ("/etc/ssl/private/search.example.org.key", key),
                         ("/var/cache/nginx/medsearch", os.path.join(work, "cache")),
                         ("/var/log/nginx/medsearch.access.log", os.path.join(work, "nginx-access.log"))]:
            if old not in block:
                raise SystemExit(f"docs/deploy.md's nginx block no longer has '{old}'")
            block = block.replace(old, new)
        temp = os.path.join(work, "temp")
        os.makedirs(temp)
        conf = os.path.join(work, "nginx.conf")
        with open(conf, "w") as f:
            f.write(f"""daemon off;
master_process off;
pid {work}/nginx.pid;
error_log {work}/nginx-error.log info;
events {{ worker_connections 256; }}
http {{
    client_body_temp_path {temp}/body;
    proxy_temp_path {temp}/proxy;
    fastcgi_temp_path {temp}/fastcgi;
    uwsgi_temp_path {temp}/uwsgi;
    scgi_temp_path {temp}/scgi;
{block}
}}
""")
        nginx = subprocess.Popen([a.nginx, "-p", work, "-c", conf], stdout=subprocess.DEVNULL,
                                 stderr=open(os.path.join(work, "nginx-stderr.log"), "w"))
        procs.append(nginx)

        def nginx_up():
            if nginx.poll() is not None:
                raise SystemExit("nginx exited:\n" + open(os.path.join(work, "nginx-stderr.log")).read() +
                                 open(os.path.join(work, "nginx-error.log")).read())
            return listening(tls_port)
        wait_for(nginx_up, 30, "nginx")

        tls = ssl.create_default_context()
        tls.check_hostname = False
        tls.verify_mode = ssl.CERT_NONE
        # The client comes from 127.0.0.2 (loopback), nginx from 127.0.0.1.
        conn = http.client.HTTPSConnection("127.0.0.1", tls_port, context=tls, source_address=("127.0.0.2", 0),
                                           timeout=10)

        def get(target, headers=None, method="GET"):
            conn.request(method, target, headers=headers or {})
            r = conn.getresponse()
            return r, r.read()

        r, body = get("/search?q=ketamine", {"X-Forwarded-For": "6.6.6.6"})
        check(r.status == 200, "GET /search through nginx over TLS: 200")
        hits = json.loads(body)["hits"]
        check(bool(hits) and hits[0]["path"] == "k/ketamine.md", "the first hit of 'ketamine' is k/ketamine.md")
        r, body = get("/suggest?q=amitr")
        check(r.status == 200, "GET /suggest: 200")
        labels = [s["label"] for s in json.loads(body)["suggestions"]]
        check(any(l.startswith("Amitriptyline") for l in labels), f"'amitr' completes to Amitriptyline: {labels}")

        r, _ = get("/search?q=ketamine", {"Origin": "https://medicine.example.org"})
        check(r.getheader("Access-Control-Allow-Origin") == "https://medicine.example.org",
              "CORS: the configured origin is allowed")
        r, _ = get("/search?q=ketamine", {"Origin": "https://evil.example.com"})
        check(r.getheader("Access-Control-Allow-Origin") is None, "CORS: another origin is not")
        r, _ = get("/search", {"Origin": "https://medicine.example.org", "Access-Control-Request-Method": "GET"},
                   method="OPTIONS")
        check(r.status == 204, f"CORS preflight from the configured origin: {r.status}")
        r, _ = get("/search", {"Origin": "https://evil.example.com"}, method="OPTIONS")
        check(r.status == 403, f"CORS preflight from another origin: {r.status}")

        r1, js = get("/medsearch.js")
        r2, js2 = get("/medsearch.js")
        check(r1.status == 200 and js == js2 and len(js) > 0, "the widget script through nginx")
        check(r2.getheader("X-Cache-Status") == "HIT", f"the widget is served from nginx's cache: "
                                                       f"{r2.getheader('X-Cache-Status')}")
        r, _ = get("/metrics")
        check(r.status == 404, "/metrics is not exposed through nginx")

        plain = http.client.HTTPConnection("127.0.0.1", plain_port, timeout=10)
        plain.request("GET", "/search?q=ketamine")
        pr = plain.getresponse()
        pr.read()
        check(pr.status == 301 and pr.getheader("Location", "").startswith("https://"), "plain HTTP redirects to https")

        # The rate limit: 20/s with a burst of 40 (less what was asked above), then 429s with Retry-After.
        statuses = []
        limited = None
        for i in range(120):
            r, body = get(f"/search?q=metformin{i % 7}")
            statuses.append(r.status)
            if r.status == 429 and limited is None:
                limited = (r.getheader("Retry-After"), body)
        ok, too_many = statuses.count(200), statuses.count(429)
        check(ok >= 20 and too_many >= 40 and ok + too_many == len(statuses),
              f"rate limit on /search: {ok} answered, {too_many} limited")
        check(limited is not None and limited[0] == "1" and json.loads(limited[1])["error"]["status"] == 429,
              "a limited request gets 429, Retry-After: 1 and a JSON error")
        time.sleep(1.5)
        r, _ = get("/search?q=ketamine")
        check(r.status == 200, "the client is served again after a pause")

        # medsearch logged the client (X-Real-IP from the trusted proxy), not nginx, not a forged X-Forwarded-For.
        time.sleep(0.2)
        serve_log.flush()
        lines = [l for l in open(serve_log.name) if " GET /search 200 " in l]
        check(bool(lines) and all(" 127.0.0.2 GET " in l for l in lines),
              f"medsearch logs the client's address: {lines[:1]}")
        check(not any("6.6.6.6" in l for l in lines), "a forged X-Forwarded-For is not logged as the client")

        serve.send_signal(signal.SIGTERM)
        check(serve.wait(timeout=15) == 0, "medsearch serve exits 0 on SIGTERM")
    finally:
        for p in procs:
            if p.poll() is None:
                p.terminate()
                try:
                    p.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    p.kill()
        if failures:
            for name in ("serve.log", "nginx-error.log"):
                path = os.path.join(work, name)
                if os.path.exists(path):
                    print(f"--- {name}\n" + open(path).read()[-3000:])
        shutil.rmtree(work, ignore_errors=True)
    print(f"{len(failures)} failed checks" if failures else "all checks passed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

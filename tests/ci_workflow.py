#!/usr/bin/env python3
"""Runs the documented CI workflow (docs/ci/search-index.yml) and deployment on a
sample site, as GitHub Actions and a server would, without GitHub:

1. builds the Debian package with CPack and unpacks it (the "Install medsearch"
   step would apt-get install it);
2. runs every `run:` step of the workflow in a scratch site repository whose
   pages are tests/fixtures/corpus, with the unpacked program on PATH;
3. checks that a broken page makes the check step fail with a GitHub annotation
   on the right file and line;
4. publishes the built index to a running `medsearch serve` with
   `medsearch publish`, as docs/ci.md says, and checks that the server answers
   from it without a restart.

usage: tests/ci_workflow.py BUILD_DIR
"""
import json, os, shutil, socket, subprocess, sys, tempfile, time, urllib.request

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def fail(message):
    print(f"FAIL: {message}")
    sys.exit(1)


def run(command, cwd, env, expect=0):
    result = subprocess.run(["bash", "-e", "-o", "pipefail", "-c", command], cwd=cwd, env=env,
                            capture_output=True, text=True)
    if expect is not None and result.returncode != expect:
        fail(f"`{command.strip()}` exited {result.returncode}, expected {expect}\n{result.stdout}\n{result.stderr}")
    return result


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get_json(port, path):
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=5) as response:
        return json.load(response)


def main():
    build = os.path.abspath(sys.argv[1])
    scratch = tempfile.mkdtemp(prefix="medsearch-ci-")
    server = None
    try:
        # 1. The package.
        subprocess.run(["cpack", "-G", "DEB", "--config", os.path.join(build, "CPackConfig.cmake"), "-B",
                        os.path.join(scratch, "package")], check=True, capture_output=True)
        debs = [f for f in os.listdir(os.path.join(scratch, "package")) if f.endswith("_amd64.deb")]
        if len(debs) != 1 or not debs[0].startswith("medsearch_"):
            fail(f"expected one medsearch_<version>_amd64.deb, got {debs}")
        deb = os.path.join(scratch, "package", debs[0])
        depends = subprocess.run(["dpkg-deb", "-f", deb, "Depends"], capture_output=True, text=True).stdout
        for library in ("libxapian30", "libcmark", "libyaml-cpp"):
            if library not in depends:
                fail(f"the package does not declare {library}: Depends: {depends}")
        unpacked = os.path.join(scratch, "root")
        subprocess.run(["dpkg-deb", "-x", deb, unpacked], check=True)
        env = dict(os.environ, PATH=os.path.join(unpacked, "usr", "bin") + ":" + os.environ["PATH"])

        # 2. A site repository and the workflow's steps.
        site = os.path.join(scratch, "site")
        shutil.copytree(os.path.join(ROOT, "tests", "fixtures", "corpus"), os.path.join(site, "_composition"))
        os.makedirs(os.path.join(site, "_search"))
        with open(os.path.join(site, "_search", "config.yaml"), "w") as f:
            f.write("source: ../_composition\nindex: index\n")
        with open(os.path.join(ROOT, "docs", "ci", "search-index.yml")) as f:
            workflow = yaml.safe_load(f)
        steps = workflow["jobs"]["search-index"]["steps"]
        ran = []
        for step in steps:
            if "run" not in step or step.get("name") == "Install medsearch":
                continue
            run(step["run"], site, env)
            ran.append(step["name"])
        if ran != ["Check the monographs", "Build the search index", "Describe the index"]:
            fail(f"unexpected steps: {ran}")
        stats = run("medsearch --config _search/config.yaml stats --json", site, env).stdout
        if json.loads(stats)["pages"] != 25:
            fail(f"the index has not the 25 pages: {stats}")
        print("ok: the workflow's steps pass on a good site")

        # 3. A broken page fails the check step with an annotation.
        with open(os.path.join(site, "_composition", "c", "broken.md"), "w") as f:
            f.write("---\ntitle: [Broken\n---\n")
        check = next(step["run"] for step in steps if step.get("name") == "Check the monographs")
        result = run(check, site, env, expect=1)
        wanted = "::error file=_composition/c/broken.md,line=2,title=medsearch front-matter::"
        if wanted not in result.stdout:
            fail(f"no annotation {wanted!r} in:\n{result.stdout}")
        os.remove(os.path.join(site, "_composition", "c", "broken.md"))
        print("ok: a broken page fails the check step with a GitHub annotation")

        # 4. A server picks up the published artifact.
        served = os.path.join(scratch, "served")
        old_site = os.path.join(scratch, "old")
        shutil.copytree(os.path.join(site, "_composition"), old_site)
        os.remove(os.path.join(old_site, "l", "losartan.md"))
        run(f"medsearch -q index --source {old_site} --db {served}", scratch, env)
        port = free_port()
        server = subprocess.Popen(["medsearch", "-q", "serve", "--db", served, "--listen", f"127.0.0.1:{port}"],
                                  env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(100):
            try:
                before = get_json(port, "/healthz")
                break
            except OSError:
                time.sleep(0.05)
        else:
            fail("the server did not start")
        if get_json(port, "/search?q=losartan")["hits"]:
            fail("the old index already has losartan")
        artifact = os.path.join(scratch, "artifact")
        shutil.copytree(os.path.join(site, "_search", "index"), artifact)  # what upload/download-artifact move
        run(f"medsearch publish --from {artifact} --db {served}", scratch, env)
        for _ in range(100):
            health = get_json(port, "/healthz")
            if health["generation"] != before["generation"]:
                break
            time.sleep(0.05)
        else:
            fail("the server did not switch to the published index")
        hits = get_json(port, "/search?q=losartan")["hits"]
        if not hits or hits[0]["path"] != "l/losartan.md":
            fail(f"the server does not answer from the published index: {hits}")
        print(f"ok: the server switched from {before['generation']} to {health['generation']} without a restart")
    finally:
        if server:
            server.terminate()
            server.wait(timeout=10)
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()

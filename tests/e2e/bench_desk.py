#!/usr/bin/env python3
"""Desk benchmarks with 50,000 open cases (docs/BENCHMARKS.md): cold start to an interactive
queue, memory of the whole process tree (PSS: the desk, WebKitWebProcess, WebKitNetworkProcess),
and in the real window (WebDriver) the time from changing a filter, or scrolling deep into the
list, to the next frame drawn with the new rows. Run with scripts/bench-desk."""

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(__file__))
from webdriver import Session  # noqa: E402
from workbench import free_port  # noqa: E402


def tree(pid):
    """pid and all its descendants."""
    children = {}
    for p in os.listdir("/proc"):
        if p.isdigit():
            try:
                with open(f"/proc/{p}/stat") as f:
                    ppid = int(f.read().rsplit(")", 1)[1].split()[1])
                children.setdefault(ppid, []).append(int(p))
            except (OSError, IndexError, ValueError):
                pass
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(children.get(p, []))
    return out


def pss_mb(pid):
    total = 0
    for p in tree(pid):
        try:
            with open(f"/proc/{p}/smaps_rollup") as f:
                total += sum(int(l.split()[1]) for l in f if l.startswith("Pss:"))
        except OSError:
            pass
    return total / 1024


def drop_caches():
    try:
        subprocess.run(["sync"], check=True)
        with open("/proc/sys/vm/drop_caches", "w") as f:
            f.write("3\n")
        return True
    except OSError:
        return False


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin-dir", required=True)
    ap.add_argument("--cases", type=int, default=50000)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    bins = os.path.abspath(args.bin_dir)
    work = tempfile.mkdtemp(prefix="hotline-bench-")
    env = dict(os.environ, HOME=os.path.join(work, "home"), XDG_RUNTIME_DIR=os.path.join(work, "run"))
    for d in (env["HOME"], env["XDG_RUNTIME_DIR"]):
        os.makedirs(d, mode=0o700)
    data = os.path.join(work, "data")
    procs = []
    try:
        t0 = time.time()
        out = subprocess.run([os.path.join(bins, "hotline"), "--data-dir", data, "demo", "--cases", str(args.cases), "--open"],
                             env=env, capture_output=True, text=True, check=True).stdout.strip()
        print(f"{out} ({time.time() - t0:.0f} s)", flush=True)
        display = f":{free_port() % 400 + 100}"
        procs.append(subprocess.Popen(["Xvfb", display, "-screen", "0", "1920x1080x24", "-nolisten", "tcp"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        env["DISPLAY"] = display
        time.sleep(1)
        env["HOTLINE_DATA_DIR"] = data

        starts, psses, cold = [], [], None
        for run in range(args.runs):
            dropped = drop_caches()
            cold = dropped if cold is None else cold and dropped
            log = os.path.join(work, f"start{run}.log")
            p = subprocess.Popen([os.path.join(bins, "hotline-desk")], env=env, stdout=subprocess.DEVNULL, stderr=open(log, "w"))
            ms = None
            for _ in range(300):
                time.sleep(0.05)
                m = re.search(r"interactive queue after (\d+) ms", open(log).read())
                if m:
                    ms = int(m.group(1))
                    break
            time.sleep(5)
            pss = pss_mb(p.pid)
            p.terminate()
            p.wait(10)
            print(f"start {run + 1}: interactive queue after {ms} ms; PSS of the process tree {pss:.0f} MB", flush=True)
            starts.append(ms)
            psses.append(pss)
        print(f"cold start (page cache {'dropped' if cold else 'NOT dropped: warm'}): median {sorted(starts)[len(starts) // 2]} ms; "
              f"PSS median {sorted(psses)[len(psses) // 2]:.0f} MB", flush=True)

        port = free_port()
        procs.append(subprocess.Popen(["tauri-driver", "--port", str(port), "--native-port", str(free_port())], env=env,
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        s = Session(port, os.path.join(bins, "hotline-desk"))
        s.wait("[data-testid=queue-list] button.row", timeout=60)
        time.sleep(2)
        measure = """
            const [kind, value, done] = [arguments[0], arguments[1], arguments[arguments.length - 1]];
            const list = document.querySelector('[data-testid=queue-list]');
            const before = Number(list.dataset.loads);
            const t0 = performance.now();
            if (kind === 'select') {
              const s = document.querySelector(value[0]); s.value = value[1]; s.dispatchEvent(new Event('change', {bubbles: true}));
            } else if (kind === 'click') {
              document.querySelector(value).click();
            } else {
              list.scrollTop = value * 34; list.dispatchEvent(new Event('scroll'));
            }
            // A filter: its page has arrived and been put in the list; a scroll: the row at that
            // position is in the list (whether or not a page had to be fetched).
            const changed = () => kind === 'scroll'
              ? [...list.querySelectorAll('button.row')].some(r => r.style.top === (value * 34) + 'px')
              : Number(list.dataset.loads) > before;
            const poll = () => changed()
              ? requestAnimationFrame(() => done(performance.now() - t0))
              : (performance.now() - t0 > 5000 ? done(-1) : setTimeout(poll, 1));
            poll();
        """
        steps = [
            ("kind = complaint", "select", ["[data-testid=filter-kind]", "complaint"]),
            ("kind = all", "select", ["[data-testid=filter-kind]", ""]),
            ("district = 天河区", "select", ["select[aria-label='区域']", "天河区"]),
            ("district = all", "select", ["select[aria-label='区域']", ""]),
            ("light = red", "click", "button.chip[data-light=red]"),
            ("light = all", "click", "button.chip[data-light=red]"),
            ("mine", "click", "[data-testid=filter-mine]"),
            ("mine off", "click", "[data-testid=filter-mine]"),
            ("scroll to row 10,000", "scroll", 10000),
            ("scroll to row 25,000", "scroll", 25000),
            ("scroll to row 49,900", "scroll", 49900),
            ("scroll to the top", "scroll", 0),
        ]
        results = []
        for _ in range(3):
            for name, kind, value in steps:
                ms = s.cmd("POST", "/execute/async", {"script": measure, "args": [kind, value]})
                results.append((name, ms))
                time.sleep(0.3)
        print(f"{'in the window':<24} {'median ms':>10} {'max ms':>8}")
        for name, _, _ in steps:
            xs = sorted(ms for n, ms in results if n == name)
            print(f"{name:<24} {xs[len(xs) // 2]:>10.1f} {xs[-1]:>8.1f}")
        s.quit()
    finally:
        for p in procs:
            p.terminate()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

"""Run every benchmark in one process and write benchmarks/results/.

    make bench                                   # or, from the repository root:
    .venv-torch/bin/python benchmarks/run_all.py

Writes ``results.json`` (machine, every check with its target and spread, the
scaling data) and ``scaling.png`` (the log-log plot). The book's page
``book/benchmarks.ipynb`` reads these files; it never runs the benchmarks.
"""

from __future__ import annotations

import argparse
import json
import os
import pathlib
import sys
import time

if __package__ in (None, ""):  # run as a script (make bench): import benchmarks from the root
    sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent))

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from benchmarks import widget  # noqa: E402
from benchmarks.common import machine  # noqa: E402

RESULTS = pathlib.Path(__file__).parent / "results"


def plot(data, path):
    """Time per Adam step against parameter count; run time against steps."""
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4), layout="constrained")
    rows = data["by_size"]["rows"]
    n = [r["n"] for r in rows]
    for key, label, style in [
        ("optlib_s", "optlib", "o-"),
        ("torch_single_tensor_s", "torch Adam (foreach=False)", "s--"),
        ("torch_foreach_s", "torch Adam (foreach=True)", "^--"),
        ("torch_fused_s", "torch Adam (fused=True)", "v--"),
    ]:
        left.loglog(n, [r[key]["min"] for r in rows], style, label=label, ms=4)
    left.loglog(n, [r["bound_s"] for r in rows], "k:", label="bandwidth bound")
    left.set(xlabel="parameters n (float32)", ylabel="seconds per Adam step")
    left.set_title("one step against parameter count", fontsize=10)
    left.legend(fontsize=8)
    for K in sorted({r["K"] for r in data["by_steps"]["rows"]}):
        sel = [r for r in data["by_steps"]["rows"] if r["K"] == K]
        right.loglog(
            [r["steps"] for r in sel],
            [r["run_s"]["min"] for r in sel],
            "o-",
            ms=4,
            label=f"K = {K}",
        )
    right.axhline(0.05, color="gray", ls=":", lw=1)
    right.axhline(1.0, color="gray", ls="--", lw=1)
    right.set(xlabel="steps", ylabel="seconds per optlib.run (Adam, Rosenbrock)")
    right.set_title("a run of K broadcast configurations against steps", fontsize=10)
    right.legend(fontsize=8, title="configurations")
    fig.savefig(path, dpi=110)
    plt.close(fig)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=pathlib.Path, default=RESULTS)
    parser.add_argument(
        "--only",
        choices=["widget", "bandwidth"],
        help="re-measure one benchmark and replace its checks in the existing results.json "
        "(the date and load are recorded under 'remeasured'; bandwidth needs torch)",
    )
    args = parser.parse_args(argv)
    if args.only:
        return remeasure(args.only, args.out / "results.json")
    args.out.mkdir(parents=True, exist_ok=True)

    from benchmarks import bandwidth, overhead, scaling, sweep  # torch: .venv-torch only

    started = time.perf_counter()
    info = machine()
    checks, timings = [], {}
    for name, module in [
        ("widget", widget),
        ("sweep", sweep),
        ("overhead", overhead),
        ("bandwidth", bandwidth),
    ]:
        t0 = time.perf_counter()
        result = module.measure()
        checks += result.get("checks", [result.get("check")] if "check" in result else [])
        timings[name] = time.perf_counter() - t0
        print(f"{name}: done in {timings[name]:.0f} s", flush=True)
    t0 = time.perf_counter()
    data = scaling.measure()
    timings["scaling"] = time.perf_counter() - t0
    info["load_average_1min_end"] = os.getloadavg()[0]

    results = {
        "machine": info,
        "checks": checks,
        "scaling": data,
        "seconds_per_benchmark": timings,
        "seconds_total": time.perf_counter() - started,
        "command": "make bench  (.venv-torch/bin/python benchmarks/run_all.py)",
    }
    previous = args.out / "results.json"
    if previous.exists():  # keep the build and test timings of benchmarks/project.py
        project = json.loads(previous.read_text()).get("project")
        if project:
            results["project"] = project
    previous.write_text(json.dumps(results, indent=1) + "\n")
    plot(data, args.out / "scaling.png")
    for c in checks:
        sign = "<" if c["better"] == "lower" else ">="
        verdict = "pass" if c["pass"] else "FAIL"
        print(f"{verdict:4}  {c['value']:8.3g} {sign} {c['target']:g}  ({c['unit']})  {c['name']}")
    print(f"wrote {args.out / 'results.json'} and {args.out / 'scaling.png'}")


def remeasure(name, path):
    """Replace one benchmark's checks in ``path`` by a new measurement."""
    if name == "bandwidth":
        from benchmarks import bandwidth  # torch: .venv-torch only

        module = bandwidth
    else:
        module = {"widget": widget}[name]
    results = json.loads(path.read_text())
    info = machine()
    new = module.measure()["checks"]
    prefix = new[0]["name"].split(":")[0]
    names = {c["name"] for c in new}
    keep = [
        c for c in results["checks"] if not c["name"].startswith(prefix) and c["name"] not in names
    ]
    results["checks"] = new + keep
    results.setdefault("remeasured", {})[name] = {
        "date_utc": info["date_utc"],
        "load_average_1min": info["load_average_1min"],
        "command": f"python -m benchmarks.run_all --only {name}",
    }
    path.write_text(json.dumps(results, indent=1) + "\n")
    for c in new:
        print(f"{c['value']:8.3g} ({c['unit']})  {c['name']}")


if __name__ == "__main__":
    main()

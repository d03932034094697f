"""Benchmark ``pipeline`` (issue 8, Targets): not a timed test, a measurement.

Each scenario runs in a subprocess (imports count, cold) under ``/usr/bin/time``: wall time,
CPU time (user+sys, the figure least sensitive to other processes on a shared machine), peak
RSS, rows per second, and the machine's load before and after.

1. ``repo``: ``pipeline validate`` on the whole repository, best of 3 (target < 2 s wall).
2. ``1m``: France Services scaled to ``--rows`` synthetic rows (seeded, ~50 known invalid
   cells): ``pipeline validate france-services`` (Table Schema, foreign keys to the COG, suite
   and rules) and, in the same run, ``frictionless validate`` on the same file with the
   equivalent Table Schema (target: >= 15x frictionless's rows/s, < 600 MB). The findings
   (row, field) frictionless can make must be the same; exit 1 otherwise.
3. ``10m``: ``--huge-rows`` rows of the same shape (target: completes, < 1.5 GB).
4. ``errors``: 200,000 rows that all repeat the same primary key, every row an error
   (target < 10 s, < 1 GB).
5. ``oneline``: a 5 MB file whose records sit on one line (target < 5 s, < 500 MB).
6. ``build``: ``pipeline build``, ``build --check`` and ``diff`` of ``--rows`` valid rows (CSV,
   JSON, Parquet, GeoJSON, map; target < 1 GB); then ``diff`` again once the published CSV
   has one row in ten changed and one in a hundred removed (a table that changed: its rows
   are compared, target < 1 GB).

The table (with targets and verdicts) is printed and written to ``reports/benchmark.md``.
Usage: ``make bench`` or ``.venv/bin/python scripts/benchmark.py [--rows N] [--huge-rows N]
[--only repo,1m,…] [--quick]``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_cases import (  # noqa: E402
    DATASET,
    RAW,
    make_repo,
    one_line_repo,
    record_lines,
    widen_row_count,
)

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
SCENARIOS = ("repo", "1m", "10m", "errors", "oneline", "build")
# Findings of the schema stage, the only ones frictionless can produce.
SCHEMA_CODES = {
    "type-error",
    "unique-error",
    "primary-key-error",
    "extra-cell",
    "missing-cell",
    "blank-row",
}
ROW_LEVEL = {"primary-key-error", "blank-row"}  # frictionless gives no field for these


def tool(name: str) -> str:
    path = BIN / name
    return str(path) if path.exists() else name


def run(cmd: list[str], cwd: Path, env: dict | None = None) -> dict:
    """Run a command under ``/usr/bin/time`` (peak RSS, user and system CPU time); wall time
    and the machine's load (1-minute load average, before and after) measured here: on a
    shared machine the CPU time is the figure least sensitive to the other processes."""
    with tempfile.NamedTemporaryFile("r", suffix=".time") as stats:
        timed = ["/usr/bin/time", "-f", "%M %U %S", "-o", stats.name, *cmd]
        load = os.getloadavg()[0]
        start = time.perf_counter()
        proc = subprocess.run(timed, cwd=cwd, env=env, capture_output=True, text=True)
        wall = time.perf_counter() - start
        fields = Path(stats.name).read_text().split()[-3:]
    try:
        rss_mb, cpu = int(fields[0]) / 1024, float(fields[1]) + float(fields[2])
    except (IndexError, ValueError):
        rss_mb = cpu = float("nan")
    return {
        "cmd": cmd,
        "wall": wall,
        "cpu": cpu,
        "rss": rss_mb,
        "load": (load, os.getloadavg()[0]),
        "rc": proc.returncode,
        "out": proc.stdout,
        "err": proc.stderr,
    }


def best_of(n: int, cmd: list[str], cwd: Path, env: dict | None = None) -> dict:
    runs = [run(cmd, cwd, env) for _ in range(n)]
    best = min(runs, key=lambda r: r["wall"])
    best["runs"] = [r["wall"] for r in runs]
    best["rss"] = max(r["rss"] for r in runs)
    return best


# --- comparison -----------------------------------------------------------------------------


def ours(findings: list[dict], starts: np.ndarray, computed: set[str]):
    """(row, field) of our schema-stage findings, and the others (listed separately)."""
    keyed, other = set(), []
    for f in findings:
        code = f["code"].split(":")[0]
        if f.get("file") != RAW or code not in SCHEMA_CODES and code != "constraint-error":
            other.append(f)
            continue
        if f.get("field") in computed:
            other.append(f)
            continue
        row = int(np.searchsorted(starts, f["line"])) + 1  # header = row 1
        keyed.add((row, None if code in ROW_LEVEL else f.get("field")))
    return keyed, other


def theirs(report: dict) -> tuple[set, list]:
    keyed, other = set(), []
    for task in report.get("tasks", []):
        for err in task.get("errors", []):
            if err.get("rowNumber") is None:
                other.append(err)
                continue
            field = err.get("fieldName") if err["type"] not in ROW_LEVEL else None
            keyed.add((err["rowNumber"], field))
    return keyed, other


# --- scenarios ------------------------------------------------------------------------------


def result(r: dict, label: str, rows: int | None, target: str, ok: bool) -> dict:
    return {**r, "label": label, "rows": rows, "target": target, "ok": ok}


def report_line(r: dict) -> None:
    rate = f", {r['rows'] / r['wall']:,.0f} lignes/s" if r.get("rows") else ""
    print(
        f"   {r['label']} : {r['wall']:.2f} s, CPU {r['cpu']:.1f} s{rate}, {r['rss']:,.0f} Mo, "
        f"charge {r['load'][0]:.1f} → {r['load'][1]:.1f}, exit {r['rc']}"
    )
    if r["rc"] not in (0, 1):
        print(r["err"][-2000:])


def validate_cmd(*names: str) -> list[str]:
    return [tool("pipeline"), "validate", "--format", "json", *names]


def whole_repo(repeat: int) -> list[dict]:
    env = {**os.environ, "PIPELINE_ROOT": str(ROOT)}
    whole = best_of(repeat, validate_cmd(), ROOT, env)
    report = json.loads(whole["out"])
    total = sum(sum(d["rows"].values()) for d in report["datasets"])
    print(f"\n1. Dépôt entier : {', '.join(f'{w:.2f}' for w in whole['runs'])} s")
    ok = whole["wall"] < 2 and whole["rc"] in (0, 1)
    out = result(whole, "pipeline validate (dépôt entier)", total, "< 2 s", ok)
    report_line(out)
    return [out]


def versus_frictionless(rows: int) -> list[dict]:
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp_name:
        tmp = Path(tmp_name)
        t0 = time.perf_counter()
        repo, schema_path, injected = make_repo(tmp, rows)
        csv_path = repo / RAW
        print(
            f"\n2. {rows:,} lignes synthétiques ({csv_path.stat().st_size / 1e6:.0f} Mo), "
            f"{len(injected)} cellules invalides, générées en {time.perf_counter() - t0:.0f} s"
        )
        env = {**os.environ, "PIPELINE_ROOT": str(repo)}
        ours_run = run(validate_cmd(DATASET), repo, env)
        theirs_cmd = [tool("frictionless"), "validate", "--json", "--limit-errors", "0"]
        theirs_cmd += ["--schema", schema_path.name, str(csv_path.relative_to(tmp))]
        theirs_run = run(theirs_cmd, tmp)
        same = same_findings(ours_run, theirs_run, csv_path)
    speedup = theirs_run["wall"] / ours_run["wall"]
    ok = speedup >= 15 and ours_run["rss"] < 600 and same and ours_run["rc"] == 1
    mine = result(
        ours_run,
        f"pipeline validate {DATASET}",
        rows,
        "≥ 15× frictionless, < 600 Mo",
        ok,
    )
    mine["speedup"] = speedup
    mine["cpu_speedup"] = theirs_run["cpu"] / ours_run["cpu"]
    theirs = result(theirs_run, "frictionless validate --schema … (même fichier)", rows, "—", True)
    for r in (mine, theirs):
        report_line(r)
    print(f"   rapport : {speedup:.1f}× en temps écoulé, {mine['cpu_speedup']:.1f}× en CPU")
    return [mine, theirs]


def same_findings(ours_run: dict, theirs_run: dict, csv_path: Path) -> bool:
    """Whether the (row, field) findings frictionless can make are the same."""
    meta = json.loads((ROOT / "schemas" / DATASET / "dataset.json").read_text())
    computed = {c["name"] for c in meta["resources"][0].get("computed", [])}
    try:
        report, fl_report = json.loads(ours_run["out"]), json.loads(theirs_run["out"])
    except json.JSONDecodeError:
        print("   sortie JSON illisible")
        return False
    mine, extra = ours(report["findings"], record_lines(csv_path), computed)
    their, fl_other = theirs(fl_report)
    print(f"   constats ligne/champ : pipeline {len(mine)}, frictionless {len(their)}")
    only_ours, only_theirs = sorted(mine - their, key=str), sorted(their - mine, key=str)
    if only_ours or only_theirs or fl_other:
        print(f"   DIFFÉRENTS — pipeline seul : {only_ours[:20]}")
        print(f"   frictionless seul : {only_theirs[:20]}")
        if fl_other:
            print(f"   erreurs frictionless hors ligne : {[e['type'] for e in fl_other]}")
        return False
    by_kind: dict[str, int] = {}
    for f in extra:
        key = f"{f['severity']} {f['code']}" + (f" [{f['check']}]" if f.get("check") else "")
        by_kind[key] = by_kind.get(key, 0) + 1
    print("   identiques ; hors de portée de frictionless (COG, règles, attentes, calculés) :")
    for key, n in sorted(by_kind.items()):
        print(f"     {n:>7}  {key}")
    return True


def huge(rows: int) -> list[dict]:
    with tempfile.TemporaryDirectory(prefix="bench-huge-") as tmp_name:
        t0 = time.perf_counter()
        repo, _, _ = make_repo(Path(tmp_name), rows)
        size = (repo / RAW).stat().st_size / 1e9
        print(f"\n3. {rows:,} lignes ({size:.1f} Go), générées en {time.perf_counter() - t0:.0f} s")
        r = run(validate_cmd(DATASET), repo, {**os.environ, "PIPELINE_ROOT": str(repo)})
    ok = r["rc"] == 1 and r["rss"] < 1536
    out = result(r, f"pipeline validate {DATASET}", rows, "termine, < 1,5 Go", ok)
    report_line(out)
    return [out]


def all_errors(rows: int = 200_000) -> list[dict]:
    with tempfile.TemporaryDirectory(prefix="bench-errors-") as tmp_name:
        repo, _, _ = make_repo(Path(tmp_name), rows, bad=0, same_id=True)
        print(f"\n4. {rows:,} lignes, toutes avec le même identifiant (chaque ligne en erreur)")
        r = run(validate_cmd(DATASET), repo, {**os.environ, "PIPELINE_ROOT": str(repo)})
    totals = _totals(r)
    ok = r["rc"] == 1 and r["wall"] < 10 and r["rss"] < 1024 and totals >= rows
    out = result(r, f"pipeline validate {DATASET} (tout en erreur)", rows, "< 10 s, < 1 Go", ok)
    report_line(out)
    print(f"   {totals:,} constats comptés (dont ceux laissés hors du rapport)")
    return [out]


def one_line(size: int = 5_000_000) -> list[dict]:
    with tempfile.TemporaryDirectory(prefix="bench-oneline-") as tmp_name:
        repo = one_line_repo(Path(tmp_name), size)
        print(f"\n5. {size / 1e6:.0f} Mo d'enregistrements sur une seule ligne")
        r = run(validate_cmd(DATASET), repo, {**os.environ, "PIPELINE_ROOT": str(repo)})
    ok = r["rc"] == 1 and r["wall"] < 5 and r["rss"] < 500
    out = result(
        r, f"pipeline validate {DATASET} (5 Mo sur une ligne)", None, "< 5 s, < 500 Mo", ok
    )
    report_line(out)
    return [out]


def _totals(r: dict) -> int:
    try:
        report = json.loads(r["out"])
    except json.JSONDecodeError:
        return 0
    return int(report.get("errors", 0)) + int(report.get("warnings", 0))


def build_step(rows: int) -> list[dict]:
    """``pipeline build france-services`` on ``rows`` valid rows (CSV, JSON, Parquet, GeoJSON
    and the map, written to data/published/), then ``pipeline build --check`` and ``pipeline
    diff`` on the package just built (each builds it again aside and compares)."""
    with tempfile.TemporaryDirectory(prefix="bench-build-") as tmp_name:
        t0 = time.perf_counter()
        repo, _, _ = make_repo(Path(tmp_name), rows, bad=0)
        (repo / "data" / "published").mkdir(parents=True, exist_ok=True)
        widen_row_count(repo, rows)
        env = {**os.environ, "PIPELINE_ROOT": str(repo)}
        print(f"\n6. Construction de {rows:,} lignes valides")
        results = []
        for args in (["build"], ["build", "--check"], ["diff"]):
            r = run([tool("pipeline"), *args, DATASET], repo, env)
            ok = r["rc"] == 0 and r["rss"] < 1024
            results.append(result(r, f"pipeline {' '.join(args)} {DATASET}", rows, "< 1 Go", ok))
            report_line(results[-1])
        folder = repo / "data" / "published" / DATASET
        changed = alter_published(folder / f"{DATASET}.csv")
        r = run([tool("pipeline"), "diff", "--format", "json", DATASET], repo, env)
        ok = r["rc"] == 0 and r["rss"] < 1024 and _diff_counts(r) == changed
        label = f"pipeline diff {DATASET} (table modifiée)"
        results.append(result(r, label, rows, "< 1 Go", ok))
        report_line(results[-1])
        print(f"   lignes ajoutées, supprimées, modifiées : {_diff_counts(r)} (attendu {changed})")
        sizes = sorted((p.name, p.stat().st_size) for p in folder.iterdir())
    print("   " + ", ".join(f"{name} {size / 1e6:.0f} Mo" for name, size in sizes))
    print(f"   ({time.perf_counter() - t0:.0f} s en tout)")
    return results


def alter_published(path: Path) -> tuple[int, int, int]:
    """Change the published CSV as an older version of the table would differ: one row in
    ten with another name (column 3), one in a hundred missing (the build adds it back).
    Returns what the diff must find: rows added, removed, changed."""
    import csv

    added = changed = 0
    altered = path.with_suffix(".altered")
    with (
        path.open(encoding="utf-8", newline="") as src,
        altered.open("w", encoding="utf-8", newline="") as out,
    ):
        writer = csv.writer(out, lineterminator="\n")
        for i, row in enumerate(csv.reader(src)):
            if i and i % 100 == 0:
                added += 1
                continue
            if i and i % 10 == 0:
                row[2] += " (ancien nom)"
                changed += 1
            writer.writerow(row)
    altered.replace(path)
    return added, 0, changed


def _diff_counts(r: dict) -> tuple[int, int, int] | None:
    try:
        (diff,) = json.loads(r["out"])
    except (json.JSONDecodeError, ValueError):
        return None
    return diff["rows_added"], diff["rows_removed"], diff["rows_changed"]


# --- report ---------------------------------------------------------------------------------


def number(value: float, digits: int = 0) -> str:
    return f"{value:,.{digits}f}".replace(",", "\u202f").replace(".", ",")


def table(results: list[dict]) -> str:
    head = (
        "| Commande | Lignes | Temps (wall) | CPU (user+sys) | Lignes/s | Mémoire max (RSS) "
        "| Charge | Objectif | Atteint |\n|---|---:|---:|---:|---:|---:|---:|---|---|"
    )
    body = []
    for r in results:
        rows = number(r["rows"]) if r.get("rows") else "—"
        rate = number(r["rows"] / r["wall"]) if r.get("rows") else "—"
        verdict = "—" if r["target"] == "—" else ("oui" if r["ok"] else "**non**")
        body.append(
            f"| `{r['label']}` | {rows} | {number(r['wall'], 2)} s | {number(r['cpu'], 1)} s "
            f"| {rate} | {number(r['rss'])} Mo | {number(r['load'][0], 1)} → {number(r['load'][1], 1)} "
            f"| {r['target']} | {verdict} |"
        )
    return "\n".join([head, *body])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="synthetic rows (1 000 000)")
    parser.add_argument("--huge-rows", type=int, default=10_000_000, help="rows of `10m`")
    parser.add_argument("--only", default=",".join(SCENARIOS), help="scenarios, comma-separated")
    parser.add_argument("--quick", action="store_true", help="20 000 rows, 1 repeat, no 10m")
    parser.add_argument("--repeat", type=int, default=3, help="best of N for the whole repo")
    args = parser.parse_args()
    chosen = [s.strip() for s in args.only.split(",") if s.strip()]
    unknown = sorted(set(chosen) - set(SCENARIOS))
    if unknown:
        parser.error(f"scénarios inconnus : {', '.join(unknown)} (connus : {', '.join(SCENARIOS)})")
    rows = 20_000 if args.quick else args.rows
    if args.quick:
        chosen = [s for s in chosen if s != "10m"]
    print(f"Machine : {os.cpu_count()} cœurs, Python {platform.python_version()}")
    steps = {
        "repo": lambda: whole_repo(1 if args.quick else args.repeat),
        "1m": lambda: versus_frictionless(rows),
        "10m": lambda: huge(args.huge_rows),
        "errors": all_errors,
        "oneline": one_line,
        "build": lambda: build_step(rows),
    }
    results: list[dict] = []
    for name in chosen:
        results += steps[name]()
    text = (
        f"Machine : {os.cpu_count()} cœurs, Python {platform.python_version()}, "
        f"{time.strftime('%Y-%m-%d')}\n\n{table(results)}\n"
    )
    print("\n" + text)
    (ROOT / "reports").mkdir(exist_ok=True)
    (ROOT / "reports" / "benchmark.md").write_text(text, encoding="utf-8")
    return 0 if all(r["ok"] for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())

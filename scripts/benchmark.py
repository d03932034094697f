"""Benchmark ``pipeline validate`` (issue 3, §5 Speed): not a timed test, a measurement.

1. Validate every dataset of the repository (``pipeline validate --format json``, in a
   subprocess so imports count): wall time and peak RSS, best of 3.
2. France Services scaled to ``--rows`` synthetic rows (unique ``id_fs``, seeded, with ~50
   known invalid cells) in a temporary copy of the repository: ``pipeline validate
   france-services`` and, in the same run, ``frictionless validate`` on the same file with the
   equivalent Table Schema (computed field and foreign keys removed).
3. The row-level findings (row, field) must equal frictionless's; exit 1 otherwise.
4. ``pipeline build france-services`` on ``--rows`` valid synthetic rows (CSV, JSON, Parquet,
   GeoJSON, map), then ``pipeline build --check`` and ``pipeline diff`` on the package built:
   wall time, CPU time (user+sys), peak RSS and file sizes (target: < 1 GB peak).
5. A Markdown table (with the machine's load average before and after each command),
   printed and written to ``reports/benchmark.md``.

Usage: ``make bench`` or ``.venv/bin/python scripts/benchmark.py [--rows N] [--quick]
[--build-only]``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
DATASET = "france-services"
RAW = "data/raw/anct_france_services_20240801.csv"
SEED = 20240801
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


# --- synthetic file -------------------------------------------------------------------------


def injections(frame: pd.DataFrame, rng: np.random.Generator, count: int) -> list[tuple]:
    """(row, column, value) of the invalid cells to inject, on distinct rows."""
    kinds = [
        ("latitude", "abc"),  # bad number
        ("longitude", "5,83"),  # decimal comma: bad number
        ("latitude", "95.5"),  # above maximum
        ("labellisation_fs", "Espace labellisé 2020-01-01"),  # bad date: pattern violation
        ("labellisation_fs", "Espace labellisé 31/02/2020"),  # bad date, pattern ok (computed)
        ("insee_com", "1A033"),  # pattern
        ("code_postal", "1200"),  # pattern
        ("insee_dep", "1"),  # pattern
        ("id_fs", None),  # duplicate id
        ("prise_rdv", "Peut-être"),  # enum
        ("lib_fs", ""),  # required
    ]
    n = len(frame)
    rows = np.sort(rng.choice(np.arange(n // 10, n), size=count, replace=False))
    out = []
    for i, row in enumerate(rows):
        column, value = kinds[i % len(kinds)]
        if value is None:  # copy the id of an earlier, untouched row
            value = str(int(rng.integers(1, n // 10)))
        out.append((int(row), column, value))
    return out


def generate(path: Path, rows: int, source: Path, bad: int = 50) -> list[tuple]:
    base = pd.read_csv(source, dtype=str, keep_default_na=False, na_filter=False)
    rng = np.random.default_rng(SEED)
    index = rng.integers(0, len(base), size=rows)
    frame = base.iloc[index].reset_index(drop=True)
    frame["id_fs"] = np.arange(1, rows + 1).astype(str)
    injected = injections(frame, rng, min(bad, max(rows // 20, 1))) if bad else []
    for row, column, value in injected:
        frame.iat[row, frame.columns.get_loc(column)] = value
    frame.to_csv(path, index=False)
    return injected


def record_lines(path: Path) -> np.ndarray:
    """Physical start line of every record (header = line 1), for line -> row number."""
    import csv

    starts, previous = [], 0
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle)
        for _ in reader:
            starts.append(previous + 1)
            previous = reader.line_num
    return np.array(starts)


def make_repo(tmp: Path, rows: int, bad: int = 50) -> tuple[Path, Path, list[tuple]]:
    repo = tmp / "repo"
    (repo / "data" / "raw").mkdir(parents=True)
    shutil.copytree(ROOT / "schemas", repo / "schemas")
    shutil.copytree(ROOT / "data" / "reference", repo / "data" / "reference")
    if (ROOT / "pipeline.json").exists():
        shutil.copy(ROOT / "pipeline.json", repo / "pipeline.json")
    target = repo / RAW
    injected = generate(target, rows, ROOT / RAW, bad)
    meta = json.loads((ROOT / "schemas" / DATASET / "dataset.json").read_text())
    res = meta["resources"][0]
    computed = {c["name"] for c in res.get("computed", [])}
    schema = json.loads((ROOT / "schemas" / DATASET / res["schema"]).read_text())
    schema["fields"] = [f for f in schema["fields"] if f["name"] not in computed]
    schema.pop("foreignKeys", None)
    schema["missingValues"] = [""]
    schema_path = tmp / "frictionless.schema.json"
    schema_path.write_text(json.dumps(schema, ensure_ascii=False, indent=2))
    return repo, schema_path, injected


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


# --- build ----------------------------------------------------------------------------------


def measure_build(rows: int) -> list[dict]:
    """On ``rows`` valid synthetic rows: ``pipeline build france-services`` (CSV, JSON,
    Parquet, GeoJSON and the map, written to data/published/), then ``pipeline build --check``
    and ``pipeline diff`` on the package just built (each builds it again aside and compares
    it with data/published/)."""
    with tempfile.TemporaryDirectory(prefix="bench-build-") as tmp_name:
        repo, _, _ = make_repo(Path(tmp_name), rows, bad=0)
        (repo / "data" / "published").mkdir(parents=True)
        # the suite expects a real-sized list (2 000 to 10 000 rows): widen it for the copy
        suite_path = repo / "schemas" / DATASET / f"{DATASET}.expectations.json"
        suite = json.loads(suite_path.read_text(encoding="utf-8"))
        for expectation in suite["expectations"]:
            if expectation["type"] == "expect_table_row_count_to_be_between":
                expectation["kwargs"]["max_value"] = max(rows, 10_000)
        suite_path.write_text(json.dumps(suite, ensure_ascii=False), encoding="utf-8")
        env = {**os.environ, "PIPELINE_ROOT": str(repo)}
        results = []
        for args in (["build"], ["build", "--check"], ["diff"]):
            result = run([tool("pipeline"), *args, DATASET], repo, env)
            results.append(
                {**result, "label": f"pipeline {' '.join(args)} {DATASET}", "rows": rows}
            )
        folder = repo / "data" / "published" / DATASET
        files = {p.name: p.stat().st_size for p in folder.iterdir()} if folder.is_dir() else {}
    results[0]["files"] = files
    return results


def build_step(rows: int) -> list[dict]:
    t0 = time.perf_counter()
    results = measure_build(rows)
    sizes = ", ".join(
        f"{name} {size / 1e6:.0f} Mo" for name, size in sorted(results[0]["files"].items())
    )
    print(
        f"\n4. Construction de {rows:,} lignes valides ({time.perf_counter() - t0:.0f} s en tout)"
    )
    for r in results:
        print(
            f"   {r['label']} : {r['wall']:.2f} s, CPU {r['cpu']:.1f} s, {r['rss']:.0f} Mo, "
            f"charge {r['load'][0]:.1f} → {r['load'][1]:.1f}, exit {r['rc']}"
        )
        if r["rc"]:
            print(r["err"][-2000:])
    print(f"   {sizes}")
    return results


def build_verdict(results: list[dict]) -> str:
    worst = max(r["rss"] for r in results)
    ok = worst < 1024 and results[0]["rc"] == 0
    return (
        "- Construction (CSV, JSON, Parquet, GeoJSON, carte), --check et diff, mémoire max "
        f"< 1 Go : {'oui' if ok else 'NON'} ({worst:,.0f} Mo)"
    )


# --- report ---------------------------------------------------------------------------------


def fmt_rows(r: dict) -> str:
    return f"{r['rows']:,}".replace(",", "\u202f") if r.get("rows") else "—"


def table(results: list[dict]) -> str:
    head = (
        "| Commande | Lignes | Temps (wall) | CPU (user+sys) | Lignes/s | Mémoire max (RSS) "
        "| Charge |\n|---|---:|---:|---:|---:|---:|---:|"
    )
    body = []
    for r in results:
        rate = f"{r['rows'] / r['wall']:,.0f}".replace(",", "\u202f") if r.get("rows") else "—"
        load = f"{r['load'][0]:.1f} → {r['load'][1]:.1f}"
        body.append(
            f"| `{r['label']}` | {fmt_rows(r)} | {r['wall']:.2f} s | {r['cpu']:.1f} s | {rate} "
            f"| {r['rss']:,.0f} Mo | {load} |"
        )
    return "\n".join([head, *body])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="synthetic rows (1 000 000)")
    parser.add_argument("--quick", action="store_true", help="small run: 20 000 rows, 1 repeat")
    parser.add_argument("--repeat", type=int, default=3, help="best of N for the whole repo")
    parser.add_argument("--build-only", action="store_true", help="only the build measurement")
    args = parser.parse_args()
    rows = 20_000 if args.quick else args.rows
    if args.build_only:
        built = build_step(rows)
        print(
            f"\nMachine : {os.cpu_count()} cœurs, Python {platform.python_version()}, "
            f"{time.strftime('%Y-%m-%d')}\n\n" + table(built) + "\n" + build_verdict(built)
        )
        return 0 if all(r["rc"] == 0 for r in built) else 1
    repeat = 1 if args.quick else args.repeat
    pipeline = [tool("pipeline"), "validate", "--format", "json"]
    env = {**os.environ, "PIPELINE_ROOT": str(ROOT)}
    results: list[dict] = []
    print(
        f"Machine: {platform.machine()}, {os.cpu_count()} cœurs, Python {platform.python_version()}"
    )

    # 1. whole repository
    whole = best_of(repeat, pipeline, ROOT, env)
    report = json.loads(whole["out"])
    total = sum(sum(d["rows"].values()) for d in report["datasets"])
    print(
        f"\n1. Dépôt entier : {', '.join(f'{w:.2f}' for w in whole['runs'])} s "
        f"(meilleur {whole['wall']:.2f} s), {whole['rss']:.0f} Mo, exit {whole['rc']}"
    )
    results.append({**whole, "label": "pipeline validate", "rows": total})

    # 2. scaled France Services
    ok = True
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp_name:
        tmp = Path(tmp_name)
        t0 = time.perf_counter()
        repo, schema_path, injected = make_repo(tmp, rows)
        csv_path = repo / RAW
        size = csv_path.stat().st_size / 1e6
        print(
            f"\n2. {rows:,} lignes synthétiques ({size:.0f} Mo), {len(injected)} cellules "
            f"invalides injectées, générées en {time.perf_counter() - t0:.1f} s"
        )
        env_tmp = {**os.environ, "PIPELINE_ROOT": str(repo)}
        ours_run = run([*pipeline, DATASET], repo, env_tmp)
        theirs_run = run(
            [
                tool("frictionless"),
                "validate",
                "--json",
                "--limit-errors",
                "0",
                "--schema",
                schema_path.name,
                str(csv_path.relative_to(tmp)),
            ],
            tmp,
        )
        for label, r in (("pipeline", ours_run), ("frictionless", theirs_run)):
            print(
                f"   {label}: {r['wall']:.2f} s, {rows / r['wall']:,.0f} lignes/s, "
                f"{r['rss']:.0f} Mo, exit {r['rc']}"
            )
        results.append({**ours_run, "label": f"pipeline validate {DATASET}", "rows": rows})
        results.append({**theirs_run, "label": "frictionless validate --schema …", "rows": rows})

        # 3. same findings
        meta = json.loads((ROOT / "schemas" / DATASET / "dataset.json").read_text())
        computed = {c["name"] for c in meta["resources"][0].get("computed", [])}
        starts = record_lines(csv_path)
        mine, extra = ours(json.loads(ours_run["out"])["findings"], starts, computed)
        fl_report = json.loads(theirs_run["out"])
        their, fl_other = theirs(fl_report)
        print(f"\n3. Constats ligne/champ : pipeline {len(mine)}, frictionless {len(their)}")
        only_ours, only_theirs = sorted(mine - their, key=str), sorted(their - mine, key=str)
        if only_ours or only_theirs or fl_other:
            ok = False
            print(f"   DIFFÉRENT — pipeline seul : {only_ours[:20]}")
            print(f"   frictionless seul : {only_theirs[:20]}")
            if fl_other:
                print(f"   erreurs frictionless hors ligne : {[e['type'] for e in fl_other]}")
        else:
            print("   identiques (mêmes lignes, mêmes champs)")
        by_kind: dict[str, int] = {}
        for f in extra:
            key = f"{f['severity']} {f['code']}" + (f" [{f['check']}]" if f.get("check") else "")
            key += f" ({f['field']})" if f.get("field") in computed else ""
            by_kind[key] = by_kind.get(key, 0) + 1
        print(
            "   Exclus (hors de portée de frictionless : clés étrangères, règles, GX, champ "
            "calculé) :"
        )
        for key, n in sorted(by_kind.items()):
            print(f"     {n:>7}  {key}")

    # 4. build, build --check and diff
    built = build_step(rows)
    results += built

    # 5. table
    md = table(results)
    validation_rss = max(r["rss"] for r in results if all(r is not b for b in built))
    verdict = [
        f"- Dépôt entier < 5 s : {'oui' if whole['wall'] < 5 else 'NON'} ({whole['wall']:.2f} s)",
        f"- {rows:,} lignes, débit ≥ frictionless : "
        f"{'oui' if ours_run['wall'] <= theirs_run['wall'] else 'NON'} "
        f"({theirs_run['wall'] / ours_run['wall']:.1f}×)",
        f"- Mémoire max de la validation < 2 Go : {'oui' if validation_rss < 2048 else 'NON'}",
        f"- Constats identiques à frictionless : {'oui' if ok else 'NON'}",
        build_verdict(built),
    ]
    text = (
        f"Machine : {os.cpu_count()} cœurs, Python {platform.python_version()}, "
        f"{time.strftime('%Y-%m-%d')}\n\n{md}\n\n" + "\n".join(verdict) + "\n"
    )
    print("\n" + text)
    (ROOT / "reports").mkdir(exist_ok=True)
    (ROOT / "reports" / "benchmark.md").write_text(text, encoding="utf-8")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

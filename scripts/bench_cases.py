"""The files the benchmark validates (``scripts/benchmark.py``): France Services scaled to N
synthetic rows, with a few known invalid cells, written in chunks so that ten million rows
need no more memory than a million; 200,000 rows that are all errors; 5 MB whose records sit
on one physical line. Each lives in a temporary copy of the repository's declarations."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
DATASET = "france-services"
RAW = "data/raw/anct_france_services_20240801.csv"
SEED = 20240801
CHUNK = 250_000


def injections(n: int, rng: np.random.Generator, count: int) -> list[tuple]:
    """(row, column, value) of the invalid cells to inject, on distinct rows of ``n``."""
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
    rows = np.sort(rng.choice(np.arange(n // 10, n), size=count, replace=False))
    out = []
    for i, row in enumerate(rows):
        column, value = kinds[i % len(kinds)]
        if value is None:  # copy the id of an earlier, untouched row
            value = str(int(rng.integers(1, n // 10)))
        out.append((int(row), column, value))
    return out


def generate(path: Path, rows: int, bad: int = 50, same_id: bool = False) -> list[tuple]:
    """``rows`` rows drawn from the real list (seeded), ``id_fs`` numbered 1..rows (or all
    ``1`` with ``same_id``: every row then repeats the primary key), ``bad`` invalid cells;
    written chunk by chunk."""
    base = pd.read_csv(ROOT / RAW, dtype=str, keep_default_na=False, na_filter=False)
    rng = np.random.default_rng(SEED)
    injected = injections(rows, rng, min(bad, max(rows // 20, 1))) if bad else []
    with path.open("w", encoding="utf-8", newline="") as handle:
        for start in range(0, rows, CHUNK):
            size = min(CHUNK, rows - start)
            frame = base.iloc[rng.integers(0, len(base), size=size)].reset_index(drop=True)
            frame["id_fs"] = "1" if same_id else np.arange(start + 1, start + size + 1).astype(str)
            for row, column, value in injected:
                if start <= row < start + size:
                    frame.iat[row - start, frame.columns.get_loc(column)] = value
            frame.to_csv(handle, index=False, header=start == 0, lineterminator="\n")
    return injected


def copy_declarations(repo: Path) -> None:
    """Every raw file (the declarations of all datasets are checked at load), the
    declarations and the reference data of the repository."""
    shutil.copytree(ROOT / "data" / "raw", repo / "data" / "raw")
    shutil.copytree(ROOT / "schemas", repo / "schemas")
    shutil.copytree(ROOT / "data" / "reference", repo / "data" / "reference")
    if (ROOT / "pipeline.json").exists():
        shutil.copy(ROOT / "pipeline.json", repo / "pipeline.json")


def widen_row_count(repo: Path, rows: int) -> None:
    """The suite expects a real-sized list (2 000 to 10 000 rows): widen it for a copy whose
    every row must be valid."""
    path = repo / "schemas" / DATASET / f"{DATASET}.expectations.json"
    suite = json.loads(path.read_text(encoding="utf-8"))
    for expectation in suite["expectations"]:
        if expectation["type"] == "expect_table_row_count_to_be_between":
            expectation["kwargs"]["max_value"] = max(rows, 10_000)
    path.write_text(json.dumps(suite, ensure_ascii=False), encoding="utf-8")


def make_repo(tmp: Path, rows: int, bad: int = 50, same_id: bool = False):
    """A repository copy whose France Services list has ``rows`` synthetic rows, and the
    equivalent schema for frictionless (computed field and foreign keys removed)."""
    repo = tmp / "repo"
    copy_declarations(repo)
    injected = generate(repo / RAW, rows, bad, same_id)
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


def one_line_repo(tmp: Path, size: int = 5_000_000) -> Path:
    """A repository copy whose France Services list is ``size`` bytes of quoted records
    written one after the other on the header's next line, with no line break between
    them (a broken export): one record of hundreds of thousands of cells."""
    repo = tmp / "repo"
    copy_declarations(repo)
    with (ROOT / RAW).open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        records = list(reader)
    line = bytearray()
    while len(line) < size:
        for record in records:
            line += ",".join(f'"{cell}"' if cell else "" for cell in record).encode() + b","
            if len(line) >= size:
                break
    text = ",".join(header).encode() + b"\n" + bytes(line[:-1]) + b"\n"
    (repo / RAW).write_bytes(text)
    return repo


def record_lines(path: Path) -> np.ndarray:
    """Physical start line of every record (header = line 1), for line -> row number."""
    starts, previous = [], 0
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle)
        for _ in reader:
            starts.append(previous + 1)
            previous = reader.line_num
    return np.array(starts)

"""The tables of the Table Schema differential suite where rows interact (unique fields,
primary, unique and foreign keys, schema-level missing values), and seeded mutations of valid
values (the same cells every run) added to the matrix of tests/table_schema_cases.py."""

from __future__ import annotations

import random

from tests.table_schema_cases import UUID, Column, KeyTable

# --- the key tables ---------------------------------------------------------------------------


def _f(name: str, ftype: str = "string", **desc) -> dict:
    return {"name": name, "type": ftype, **desc}


def key_tables() -> list[KeyTable]:
    def unique(ftype: str, values: list[str], **desc) -> KeyTable:
        field = _f("v", ftype, constraints={"unique": True}, **desc)
        label = "unique " + Column({k: v for k, v in field.items() if k != "name"}, []).label
        return KeyTable(label, [field], [[v] for v in values])

    parent = KeyTable(
        "reference table",
        [_f("code"), _f("n", "integer"), _f("x", "number")],
        [["a", "1", "1.5"], ["b", "2", "2"], ["", "3", "3"], ["c", "", "4"], ["c", "x", "5"]],
        {"primaryKey": ["code", "n"]},
    )
    return [
        unique("integer", ["1", "01", "+1", "1.0", "2", "-0", "0", "", "", "x", "x"]),
        unique(
            "number",
            [
                "1",
                "1.0",
                "1e0",
                "-0",
                "0",
                "0.30000000000000001",
                "0.3",
                "NaN",
                "NaN",
                "inf",
                "Infinity",
                "",
                "",
            ],
        ),
        unique("string", ["a", "a ", "A", "a", "", ""]),
        unique("boolean", ["true", "1", "false", "0", "yes"]),
        unique("date", ["2020-01-05", "2020-1-5", "2020-01-06"]),
        unique(
            "datetime",
            [
                "2020-01-05T10:00:00+01:00",
                "2020-01-05T09:00:00Z",
                "2020-01-05T09:00:00",
                "2020-01-05T09:00:00.000",
            ],
        ),
        unique("time", ["10:00:00+01:00", "09:00:00Z", "09:00:00", "24:00:00", "00:00:00"]),
        unique("yearmonth", ["2020-01", "2020-1", "2020-02"]),
        unique("duration", ["P1D", "PT24H", "P1Y", "P12M", "P1DT0H"]),
        unique("geopoint", ["1,2", "1.0, 2", "2,1"]),
        unique("year", ["2020", "2020", "0202", " 202"]),
        KeyTable(
            "primaryKey integer",
            [_f("id", "integer"), _f("v")],
            [["1", "a"], ["01", "b"], ["", "c"], ["x", "d"], ["", "e"], ["2", "f"]],
            {"primaryKey": "id"},
        ),
        KeyTable(
            "primaryKey integer unique",
            [_f("id", "integer", constraints={"unique": True})],
            [["1"], ["1"], ["2"]],
            {"primaryKey": ["id"]},
        ),
        KeyTable(
            "primaryKey composite",
            [_f("a"), _f("b", "integer")],
            [
                ["a", "1"],
                ["a", "01"],
                ["", "1"],
                ["", "1"],
                ["", ""],
                ["b", ""],
                ["b", ""],
                ["b", "x"],
                ["", ""],
            ],
            {"primaryKey": ["a", "b"]},
        ),
        KeyTable(
            "schema missingValues",
            [
                _f("s"),
                _f("i", "integer"),
                _f("d", "date"),
                _f("r", "string", constraints={"required": True}),
            ],
            [
                ["NA", "NA", "NA", "NA"],
                ["-", "-", "-", "-"],
                ["", "", "", ""],
                ["x", "1", "2020-01-05", "x"],
            ],
            {"missingValues": ["NA", "-"]},
        ),
        KeyTable(
            "uniqueKeys",
            [_f("a"), _f("b", "integer")],
            [["a", "1"], ["a", "01"], ["", "1"], ["", "1"], ["", ""], ["", ""]],
            {"uniqueKeys": [["a", "b"]]},
        ),
        KeyTable(
            "foreignKeys self",
            [_f("id"), _f("parent")],
            [["a", ""], ["b", "a"], ["c", "z"], ["d", "d"], ["e", " a"]],
            {"foreignKeys": [{"fields": "parent", "reference": {"resource": "", "fields": "id"}}]},
        ),
        KeyTable(
            "foreignKeys other resource",
            [_f("code"), _f("n", "integer")],
            [
                ["a", "1"],
                ["a", "01"],
                ["b", "1"],
                ["", "3"],
                ["", ""],
                ["c", ""],
                ["z", "9"],
                ["c", "x"],
            ],
            {
                "foreignKeys": [
                    {
                        "fields": ["code", "n"],
                        "reference": {"resource": "parent", "fields": ["code", "n"]},
                    }
                ]
            },
            reference=parent,
        ),
        KeyTable(
            "foreignKeys number to integer",
            [_f("n", "number")],
            [["1"], ["1.0"], ["2.00"], ["1e0"], ["1.5"], ["3"], [""]],
            {"foreignKeys": [{"fields": "n", "reference": {"resource": "parent", "fields": "n"}}]},
            reference=parent,
        ),
        KeyTable(
            "foreignKeys string to integer",
            [_f("n")],
            [["1"], ["01"], ["x"], [""]],
            {"foreignKeys": [{"fields": "n", "reference": {"resource": "parent", "fields": "n"}}]},
            reference=parent,
        ),
        KeyTable(
            "foreignKeys COG",
            [_f("insee")],
            [["01036"], ["2A004"], ["99999"], ["1036"], [""], ["01036 "]],
            {
                "foreignKeys": [
                    {
                        "fields": "insee",
                        "reference": {"resource": "cog2023-communes", "fields": "code_insee"},
                    }
                ]
            },
            cog=True,
        ),
    ]


# --- mutations of valid values (a fixed seed: the same cells every run) -----------------------

ALPHABETS = {
    "digits": "0123456789",
    "number": "0123456789+-_.eE ,nNaAiIfFs\u00a0٣",
    "date": "0123456789-/: TZ+.,",
    "json": '{}[],:"0123456789.-eE tnrufalsNI \\',
    "text": "abcAZ09@.-_+:/{}=!é ",
}
SEEDS = [
    ("integer", {}, ["12", "-7", "+0", "1_000", "007"], "digits"),
    ("integer", {"bareNumber": False}, ["12", "-7", "5 €", "€-5"], "number"),
    ("number", {}, ["1.5", "-2.25e-3", "NaN", "-Infinity", "1_0.5"], "number"),
    ("number", {"decimalChar": ","}, ["1,5", "-2,25e-3", "1 000,5"], "number"),
    ("number", {"groupChar": " ", "decimalChar": ","}, ["1 000,5", "12 345"], "number"),
    ("year", {}, ["2020", "0999", " 202"], "number"),
    ("yearmonth", {}, ["2020-01", "1999-12", "+2020-3"], "number"),
    ("date", {}, ["2020-01-05", "2024-02-29"], "date"),
    ("date", {"format": "%d/%m/%Y"}, ["05/01/2020", "29/02/2024"], "date"),
    (
        "datetime",
        {},
        ["2020-01-05T10:00:00", "2020-01-05T23:59:59.5+01:00", "2020-01-05 24:00:00Z"],
        "date",
    ),
    (
        "datetime",
        {"format": "%Y-%m-%d %H:%M:%S%z"},
        ["2020-01-05 10:00:00+0100", "2020-01-05 10:00:00Z"],
        "date",
    ),
    ("time", {}, ["10:00:00", "23:59:59.123+01:00", "24:00:00"], "date"),
    ("duration", {}, ["P1Y2M3DT4H5M6.5S", "PT36H", "-P1W"], "date"),
    ("geopoint", {}, ["2.35,48.85", "-180,90", "0, -0"], "number"),
    ("geopoint", {"format": "array"}, ["[2.35, 48.85]", '["1", 2]'], "json"),
    ("object", {}, ['{"a": [1, 2.5, null], "b": {"c": "d"}}', '{"n": NaN, "x": -1e5}'], "json"),
    ("array", {}, ['[1, "a", {"b": true}]', "[[], [-0.5e3]]"], "json"),
    ("string", {"format": "uuid"}, [UUID, "{" + UUID + "}"], "text"),
    ("string", {"format": "binary"}, ["aGVsbG8gd29ybGQ=", "Zm9vYmE="], "text"),
    ("string", {"format": "email"}, ["jean.dupont@anct.gouv.fr", "a+b@c-d.fr"], "text"),
    ("string", {"format": "uri"}, ["https://anct.gouv.fr/a?b=c", "urn:isbn:123"], "text"),
]


def _mutate(rng, value: str, alphabet: str) -> str:
    chars = list(value)
    for _ in range(rng.choice((1, 1, 2, 3))):
        action = rng.choice(("insert", "delete", "replace", "swap"))
        at = rng.randrange(len(chars) + 1)
        if action == "insert" or not chars:
            chars.insert(at, rng.choice(alphabet))
        elif action == "delete":
            del chars[min(at, len(chars) - 1)]
        elif action == "replace":
            chars[min(at, len(chars) - 1)] = rng.choice(alphabet)
        elif len(chars) > 1:
            i = min(at, len(chars) - 2)
            chars[i], chars[i + 1] = chars[i + 1], chars[i]
    return "".join(chars)


def fuzz_columns(per_column: int = 120) -> list[Column]:
    rng = random.Random(20240808)
    out = []
    for ftype, desc, seeds, alphabet in SEEDS:
        values: list[str] = []
        while len(values) < per_column:
            value = _mutate(rng, rng.choice(seeds), ALPHABETS[alphabet])
            if value not in values and "\n" not in value and "\r" not in value:
                values.append(value)
        out.append(Column({"type": ftype, **desc, "description": "mutations"}, values))
    return out

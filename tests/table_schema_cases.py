"""The matrix of the Table Schema differential suite: every type × format × option ×
constraint, each with the edge values that decide verdicts (empty and space-only cells,
leading zeros and '+', exponents, NaN and infinities, 29 February, 24:00 and offsets,
non-ASCII digits and text, very long values…), and the tables of keys (unique, primaryKey,
foreignKeys).

A :class:`Column` is one field and its cells; columns are packed side by side into small
CSV files (one column per case). A :class:`KeyTable` is a whole table, for cases where rows
interact. Labels are what docs/deviations-table-schema.md names."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

COMMON = ["", " ", "   ", "\t", "NA", "-", "x", "é", "0"]
LONG = "9" * 5000


@dataclass
class Column:
    fdesc: dict  # the field, without its name
    values: list[str]
    alone: bool = False  # in a table of its own (frictionless may crash on it)

    @property
    def label(self) -> str:
        desc = dict(self.fdesc)
        words = [desc.pop("type", "string")]
        if "format" in desc:
            words.append(str(desc.pop("format")))
        constraints = desc.pop("constraints", {})
        for key, value in {**desc, **constraints}.items():
            words.append(f"{key}={json.dumps(value, ensure_ascii=False)}")
        return " ".join(words)


@dataclass
class KeyTable:
    label: str
    fields: list[dict]
    rows: list[list[str]]
    keys: dict = field(default_factory=dict)  # primaryKey, uniqueKeys, foreignKeys
    reference: KeyTable | None = None  # another resource of the same dataset
    cog: bool = False  # foreign key to the COG communes


def col(ftype: str, values: list[str], alone: bool = False, **desc) -> Column:
    return Column({"type": ftype, **desc}, values, alone)


def bounds(ftype: str, low, high, values: list[str], **desc) -> list[Column]:
    """One column per bound constraint, the same cells in each."""
    return [
        col(ftype, values, **desc, constraints={"minimum": low}),
        col(ftype, values, **desc, constraints={"maximum": high}),
        col(ftype, values, **desc, constraints={"exclusiveMinimum": low}),
        col(ftype, values, **desc, constraints={"exclusiveMaximum": high}),
    ]


# --- values per type ------------------------------------------------------------------------

# fmt: off
STRINGS = ["abc", " abc ", "é", "日本語", "😀", "a\nb", "abc\n", "a\u0301", "A", LONG]
EMAILS = ["a@b.fr", "A.B@C.FR", "a.b-c+d@sous.domaine.fr", "a@b", "a@@b.fr", "@b.fr", "a@",
    "a@b.fr\n", "a\n@b.fr", "é@b.fr", "a@é.fr", "a b@c.fr", '"a b"@c.fr', "a..b@c.fr", ".a@c.fr",
    "a@b_c.fr", "a@-b.fr", "a@b-.fr", "a@b.f1", "a@b.1f", "a@localhost", "a@b..fr", "a@b.fr.",
    "a@[127.0.0.1]", "x" * 64 + "@b.fr", "x" * 65 + "@b.fr", "a@" + "b" * 63 + ".fr",
    "a@" + "b" * 64 + ".fr", "a@" + ".".join(["b" * 60] * 4) + ".fr", " a@b.fr"]
URIS = ["http://x.fr", "https://x.fr/a?b#c", "mailto:a@b.fr", "x:", "a+b-c.d:e", "1x:y", "//x.fr",
    "x", "é:x", "HTTP://X", " http://x.fr", "http:"]
UUID = "2bc1c94f-0deb-43e9-92a1-4775189ec9f8"
UUIDS = [UUID, UUID.upper(), "{" + UUID + "}", "urn:uuid:" + UUID, UUID.replace("-", ""),
    UUID[:-1], UUID[:-1] + "g", " " + UUID.replace("-", "")[:-1],
    "+" + UUID.replace("-", "")[:-1], "0x" + UUID.replace("-", "")[:-2],
    "2bc1_c94f" + UUID.replace("-", "")[8:-1], "٢" + UUID.replace("-", "")[1:], "----" + UUID]
BINARIES = ["aGVsbG8=", "aGVsbG8", "aGVsbA==", "aGVsbA=", "aGVsbA", "a", "ab", "abc", "abcd",
    "ab==", "ab=", "a===", "====", "ab!cd", "ab==cd", "abc=d", " abcd ", "ab\ncd", "é", "Zm9v!!",
    "Zm9vYg==Zm9v"]
INTEGERS = ["1", "-1", "+1", "007", "-007", "-0", "1_000", "1__0", "_1", "1_", "1.0", "1e3",
    " 1 ", "\u00a01", "١٢", "１２", "9223372036854775807", "9223372036854775808",
    "-9223372036854775809", "170141183460469231731687303715884105728", "1" * 40, "1" * 4300,
    "1" * 4301, "0x10", "1 000", "NaN", "inf", "€5", "5%", "1-"]
BARE = ["€ 5", "5 €", "$-5", "5kg", "-5kg", "abc", "a-5", "5.5kg", "--5", "5-", "€", "1 000 €"]
NUMBERS = ["1.5", "1.50", "-0", "+0", ".5", "5.", "1e3", "1E+3", "1e-3", "-1.5e-7", "1e", "e5",
    ".", "1.2.3", "NaN", "nan", "-NaN", "sNaN", "NaN12", "inf", "-Inf", "Infinity", "-INFINITY",
    "infinit", "1_000.5", "1__0", "_1_", "1,5", "1 000", "0.30000000000000001", "0.3", "1e400",
    "1e999999999999999999", "1e1000000000000000000", "٣.٥", " 1.5 ", "\u20031.5", "0x1", "--1",
    "+-1", "1" * 60 + "." + "1" * 60]
DECIMAL_COMMA = ["1,5", "1.5", "1,5e3", "1 000,5", "1.000,5", ",5", "1,", "-1,5", "1,5,5"]
GROUP_SPACE = ["1 000", "1\u00a0000", "1 000 000.5", "1  000", " 1 000 ", "1000"]
GROUP_DOT = ["1.000,5", "1.000.000", "1,5", "1.5", "1.000.000,"]
YEARS = ["2020", "0000", "9999", "0", "999", "10000", "+202", " 202", "202 ", "20_2", "-202",
    "２０２０", "2020.0", "abcd", "1e03"]
BOOLEANS = ["true", "True", "TRUE", "1", "false", "False", "FALSE", "0", "yes", " true", "tRue",
    "oui", "non", "vrai"]
DATES = ["2020-01-05", "2020-1-5", "2020-01-5", "2020-1-05", "2020-01- 5", " 2020-01-05",
    "2020-01-05 ", "2020-02-29", "2021-02-29", "2020-13-01", "2020-00-10", "2020-01-32",
    "0000-01-01", "0001-01-01", "9999-12-31", "20200105", "2020/01/05", "2020-01-05T00:00:00",
    "２０２０-01-05", "2020-01-05\n"]
DATES_FR = ["05/01/2020", "5/1/2020", "31/02/2020", "29/02/2021", "29/02/2020", "05/01/20",
    " 5/01/2020", "05/1/2020", "5/01/2020 "]
DATES_ANY = ["2020-01-05", "05/01/2020", "Jan 5 2020", "2020-01-05T10:00",
    "2020-01-05 10:00:00+01:00", "2020-01-05T25:00", "2020-01-05T10:00:00.1234567",
    "5 janvier 2020", "2020-02-30", "0000-01-01", "2020"]
DATETIMES = ["2020-01-05T10:00:00", "2020-01-05 10:00:00", "2020-01-05T10:00:00Z",
    "2020-01-05T10:00:00z", "2020-01-05T10:00:00+01:00", "2020-01-05T10:00:00+0100",
    "2020-01-05T10:00:00+01", "2020-01-05T10:00:00-00:00", "2020-01-05T10:00:00+23:59",
    "2020-01-05T10:00:00+24:00", "2020-01-05T10:00:00+01:60", "2020-01-05T10:00:00.123",
    "2020-01-05T10:00:00,5", "2020-01-05T10:00:00.1234567", "2020-01-05T24:00:00",
    "2020-12-31T24:00:00", "2020-01-05T24:00:01", "2020-01-05T23:59:60", "2020-01-05T10:00",
    "2020-01-05", "2020-02-30T10:00:00", "2020-01-05X10:00:00", "2020-01-05é10:00:00",
    "2020-01-05010:00:00", "20200105T10:00:00", "2020-01-05T10:00:00 ", " 2020-01-05T10:00:00",
    "2020-01-05T10:00:00+01:00:00", "0000-01-01T10:00:00", "9999-12-31T24:00:00"]
DATETIMES_Z = ["2020-01-05 10:00:00+0100", "2020-01-05 10:00:00-0500", "2020-01-05 10:00:00Z",
    "2020-01-05 10:00:00z", "2020-01-05 10:00:00+01:00", "2020-01-05 10:00:00+01:00:30",
    "2020-01-05 10:00:00+0100:30", "2020-01-05 10:00:00+01:0030", "2020-01-05 10:00:00+010030",
    "2020-01-05 10:00:00+010030.5", "2020-01-05 10:00:00+2400", "2020-01-05 10:00:00+2359",
    "2020-01-05 10:00:00"]
TIMES = ["10:00:00", "10:00", "10:00:00.5", "10:00:00,25", "10:00:00Z", "10:00:00+01:00",
    "10:00:00-0130", "24:00:00", "24:00:01", "23:59:60", "9:00:00", "10:00:00 ", " 10:00:00",
    "10+01:00", "25:00:00", "10:60:00", "10:00:00+25:00"]
YEARMONTHS = ["2020-01", "2020-1", "2020-13", "2020-00", "0-01", "2020-01-01", "2020", " 2020-01",
    "+2020-01", "2020-+1", "20_20-01", "２０２０-01", "-2020-01", "99999-01", "2020- 1", "2020-01 "]
DURATIONS = ["P1D", "PT1H", "P1Y2M3DT4H5M6S", "P1.5D", "P1,5D", "P", "PT", "-P1D", "+P1D", "P1W",
    "P1D\n", "1D", "p1d", "P1DT", "PT1.5S", "P0001-02-03T04:05:06", "P999999999D", "P1000000000D",
    "P1M1Y", "PT36H", "P1.5Y"]
GEOPOINTS = ["2.35,48.85", "2.35, 48.85", " 2.35 , 48.85 ", "181,0", "180,90", "-180,-90",
    "180.0000000000000000001,0", "0,90.1", "a,b", "1", "1,2,3", "NaN,0", "inf,0", "1e2,0",
    "1_0,0", "٣,٤", "1.5.1,0"]
GEOPOINTS_ARRAY = ["[2.35, 48.85]", "[181, 0]", "[1]", "[1, 2, 3]", '["1", "2"]', "[true, false]",
    '{"1": 0, "2": 0}', '"12"', "[null, 1]", "[NaN, 1]", "x", "[180.0000000000000000001, 0]",
    '["180.0000000000000000001", 0]', "[1e400, 0]"]
GEOPOINTS_OBJECT = ['{"lon": 2, "lat": 3}', '{"lat": 3, "lon": 2}', '{"lon": 2}',
    '{"lon": 2, "lat": 3, "x": 1}', '{"lon": "2", "lat": "3"}', "[2, 3]",
    '{"lon": 200, "lat": 3}', '{"lon": true, "lat": 3}']
OBJECTS = ["{}", '{"a": 1}', '{"a": 1, "b": 2}', '{"a": 1, "b": 2, "c": 3}', "[]", "1", '"a"',
    "null", '{"a": NaN}', '{"a": Infinity}', '{"a": -Infinity}', '{"a": nan}', "{'a': 1}",
    '{"a": 1,}', ' {"a": 1} ', '{"a": 1}{"b": 2}', '{"a": 1, "a": 2}', '{"a": [1, {"b": null}]}',
    '{"é": "ü"}', '{"a": "\\u00e9"}', '{"a": "\u0001"}', "{a: 1}", '/*c*/{"a": 1}', '{"a": 01}',
    '{"a": 1.}', '{"a": .5}', '{"a": +1}', '{"a": 1e5}', '{"b": 1, "a": 2}']
ARRAYS = ["[]", "[1]", "[1, 2]", "[1, 2, 3]", "[1,]", "{}", "[NaN]", "[1, [2]]", "[", "1",
    '["a", {"b": 1}]', "[1 2]"]
GEOJSONS = ['{"type": "Point", "coordinates": [1, 2]}',
    '{"type": "Point", "coordinates": [1, 2, 3]}', '{"type": "Point", "coordinates": [1]}',
    '{"type": "Point", "coordinates": [true, 1]}', '{"type": "Point", "coordinates": ["1", 2]}',
    '{"type": "Point"}', '{"coordinates": [1, 2]}', '{"type": "point", "coordinates": [1, 2]}',
    '{"type": "MultiPoint", "coordinates": [[1, 2], [3, 4]]}',
    '{"type": "MultiPoint", "coordinates": []}',
    '{"type": "LineString", "coordinates": [[1, 2]]}',
    '{"type": "LineString", "coordinates": [[1, 2], [3, 4]]}',
    '{"type": "MultiLineString", "coordinates": [[[1, 2], [3, 4]]]}',
    '{"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 0]]]}',
    '{"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [0, 0]]]}',
    '{"type": "MultiPolygon", "coordinates": [[[[0, 0], [1, 0], [1, 1], [0, 0]]]]}',
    '{"type": "GeometryCollection", "geometries": [{"type": "Point", "coordinates": [1, 2]}]}',
    '{"type": "GeometryCollection", "geometries": [1]}',
    '{"type": "Feature", "geometry": null, "properties": null}',
    '{"type": "Feature", "geometry": {"type": "Point", "coordinates": [1, 2]}, "properties": {"a": 1}}',
    '{"type": "Feature", "geometry": null}',
    '{"type": "Feature", "geometry": null, "properties": 1}',
    '{"type": "FeatureCollection", "features": []}',
    '{"type": "FeatureCollection", "features": [1]}',
    '{"type": "FeatureCollection", "features": [{"geometry": null, "properties": {}}]}',
    '{"type": "FeatureCollection", "features": [{"type": "Point", "geometry": null, "properties": {}}]}',
    '{"type": "Point", "coordinates": [1, 2], "bbox": [0, 0, 1, 1]}',
    '{"type": "Point", "coordinates": [1, 2], "bbox": ["a"]}',
    '{"type": "Point", "coordinates": [1, 2], "crs": null}',
    '{"type": "Point", "coordinates": [1, 2], "crs": {"type": "name", "properties": {"name": "EPSG:4326"}}}',
    '{"type": "Point", "coordinates": [1, 2], "crs": {"type": "link", "properties": {"href": "http://x"}}}',
    '{"type": "Point", "coordinates": [1, 2], "crs": {"type": "name", "properties": {"name": 1}}}',
    '{"type": "Point", "coordinates": [1, 2], "crs": {"type": "x", "properties": {}}}',
    '{"type": "Foo"}', "[]", '{"type": 1}']
LISTS = ["a,b", "a", "a,,b", ",", "1,2", "1, 2", "1,x", "true,false", "2020-01-05,2020-1-5",
    "1.5,NaN", "10:00:00,24:00:00", "2020-01-05T10:00:00,x"]
# fmt: on

# --- the columns ------------------------------------------------------------------------------


def columns() -> list[Column]:
    # fmt: off
    out: list[Column] = [
        col("string", STRINGS),
        col("string", EMAILS, format="email"),
        col("string", URIS, format="uri"),
        col("string", UUIDS, format="uuid"),
        col("string", BINARIES, format="binary"),
        col("string", STRINGS + ["日本"], constraints={"minLength": 2}),
        col("string", STRINGS + ["日本語x"], constraints={"maxLength": 3}),
        col("string", ["a", "b", "a ", "A", "c"], constraints={"enum": ["a", "b"]}),
        col("string", ["123", "١٢٣", "12", "1234", "123\n", "abc"], constraints={"pattern": "\\d{3}"}),
        col("string", ["abc", "abc\n", "abc\n\n", "ABC", "abcd"], constraints={"pattern": "[a-z]+"}),
        col("string", ["a", "b", "axyz", "xb", "b\n", "ab"], constraints={"pattern": "a|b"}),
        col("string", ["é", "a_1", "a-1", "日本", "e\u0301"], constraints={"pattern": "\\w+"}),
        col("string", [" ", "\u00a0", "\u2003", "\u200b", "x"], constraints={"pattern": "\\s"}),
        col("string", ["abc", "ABC", "aBc", "abd"], constraints={"pattern": "(?i:abc)"}),
        col("string", ["", "a", "aa", "aaa"], constraints={"pattern": "a{,2}"}),
        col("string", ["01036", "2A004", "20123", "2C123", "01036\n", "01036 "], constraints={"pattern": "^([013-9]\\d|2[AB1-9])\\d{3}$"}),
        col("string", ["a.b", "axb", "a\nb"], constraints={"pattern": "a.b"}),
        col("string", ["12-3", "١-٢", "a1", "-"], constraints={"pattern": "[\\d-]+"}),
        col("string", ["abc", "a1", "é\u00a0", " "], constraints={"pattern": "\\D+"}),
        col("string", ["a b", "ab", "a\u00a0b", "a\u2003b"], constraints={"pattern": "\\S+"}),
        col("string", ["a\nb", "ab", "a b"], constraints={"pattern": "a[\\s\\S]b"}),
        col("string", ["a", "a\n", "b", "b\n", "c"], constraints={"pattern": "a$|b"}),
        col("string", ["abc", "abc\n"], constraints={"pattern": "\\Aabc\\Z"}),
        col("string", ["É", "é", "E"], constraints={"pattern": "(?i:é)"}),
        col("string", ["A", "é", "\u00e9"], constraints={"pattern": "\\x41|\\u00e9"}),
        col("string", ["", "x", "xx"], constraints={"pattern": "x*"}),
        col("string", ["ab", "a\nb", "a\n"], constraints={"pattern": "(?s:a.)b?"}),
        col("string", ["abc", "ab", "abcd", "ABC"], constraints={"pattern": "[a-c]{3}", "minLength": 3, "enum": ["abc", "abcd", "ABC"]}),
        col("string", ["x", "", " "], constraints={"required": True}),
        col("string", ["NA", "-", "", "x"], missingValues=["NA", "-"], constraints={"required": True}),
        col("string", ["NA", "", "x"], missingValues=[], constraints={"required": True}),
        col("any", ["x", "", " ", "1"]),
        col("any", ["a", "1", "b"], constraints={"enum": ["a", "1"]}),
        col("integer", INTEGERS),
        col("integer", INTEGERS + BARE, bareNumber=False),
        col("integer", ["1", "2", "3", "01", "+3", "3.0", "4"], constraints={"enum": [1, "2", 3.0]}),
        col("integer", ["5", "05", "+5", "6", "-0"], constraints={"minimum": "5"}),
        col("integer", ["1180591620717411303424", "1180591620717411303425", "1" * 30, "-" + "1" * 30], constraints={"maximum": 2**70}),
        *bounds("integer", 0, 100, ["-1", "0", "-0", "+0", "100", "101", "50", "1" * 40, "-" + "1" * 40]),
        col("number", NUMBERS),
        col("number", NUMBERS + BARE, bareNumber=False),
        col("number", NUMBERS + DECIMAL_COMMA, decimalChar=","),
        col("number", GROUP_SPACE, groupChar=" "),
        col("number", GROUP_DOT, decimalChar=",", groupChar="."),
        col("number", ["1.5", "1.50", "+1.5", "2", "2.0", "-0", "0", "3"], constraints={"enum": [1.5, "2", 0]}),
        col("number", ["0.3", "0.30000000000000001", "0.29999999999999999", "3e-1"], constraints={"maximum": 0.3}),
        col("number", ["0.3", "0.30000000000000001", "0.3000000000000000000001"], constraints={"maximum": "0.3"}),
        *bounds("number", 0, 100, ["-0", "0", "1e-400", "-1e-400", "100", "100.0000000000000000001", "1e2", "NaN", "inf", "-inf", "50"]),
        col("number", ["1,5", "0,5", "2,5"], decimalChar=",", constraints={"maximum": "2,0"}),
        col("year", YEARS),
        *bounds("year", 2000, 2020, ["1999", "2000", "2020", "2021", " 202"]),
        col("year", ["2020", "2021", "0020"], constraints={"enum": [2020, "0020"]}),
        col("boolean", BOOLEANS),
        col("boolean", BOOLEANS, trueValues=["oui", "vrai"], falseValues=["non"]),
        col("boolean", ["oui", "non", "x"], trueValues=["oui", "x"], falseValues=["non"], constraints={"enum": [False]}),
        col("boolean", ["true", "false", "1"], constraints={"enum": [True, "1"]}),
        col("date", DATES),
        col("date", DATES_FR, format="%d/%m/%Y"),
        col("date", ["20200105", "2020015", "202011", "2020115", "20201301"], format="%Y%m%d"),
        col("date", ["5 January 2020", "5 JANUARY 2020", "5 janvier 2020", "05  January 2020", "5 Jan 2020"], format="%d %B %Y"),
        col("date", ["68-01-01", "69-01-01", "00-02-29"], format="%y-%m-%d"),
        col("date", ["29/02", "28/02", "01/03"], format="%d/%m"),
        col("date", ["2020-01-05 10:00", "2020-01-05 25:00", "2020-01-05 10:61"], format="%Y-%m-%d %H:%M"),
        col("date", ["Mon 2020-01-06", "Tue 2020-01-06", "mon 2020-01-06"], format="%a %Y-%m-%d"),
        col("date", ["2020-01-05 12 AM", "2020-01-05 13 PM", "2020-01-05 12 pm"], format="%Y-%m-%d %I %p"),
        col("date", ["100%2020", "2020"], format="100%%%Y"),
        col("date", ["05.01.2020", "5.1.2020", "05-01-2020"], format="%d.%m.%Y"),
        col("date", ["2020-01-05T10:00:00", "2020-01-05 10:00:00"], format="%Y-%m-%dT%H:%M:%S"),
        col("date", DATES_ANY, format="any"),
        *bounds("date", "2020-01-01", "2020-12-31", ["2019-12-31", "2020-01-01", "2020-12-31", "2021-01-01", "2020-1-1"]),
        col("date", ["2020-01-05", "2020-1-5", "2020-01-06"], constraints={"enum": ["2020-01-05"]}),
        col("datetime", DATETIMES),
        col("datetime", DATETIMES_Z, format="%Y-%m-%d %H:%M:%S%z"),
        col("datetime", ["05/01/2020 10:00", "5/1/2020 9:05", "05/01/2020 24:00"], format="%d/%m/%Y %H:%M"),
        col("datetime", ["2020-01-05T10:00:00.5", "2020-01-05T10:00:00.1234567", "2020-01-05T10:00:00"], format="%Y-%m-%dT%H:%M:%S.%f"),
        col("datetime", ["2020-01-05T10:00:00", "2020-01-05 10:00", "2020-01-05T10:00:00Z", "2020-01-05", "tomorrow", "2020-01-05T10:00:00+23:59", "2020-01-05T10:00:00+24:00", "2020-01-05T24:00"], format="any"),
        *crashing(),
        *bounds("datetime", "2020-01-01T00:00:00", "2020-12-31T00:00:00", ["2019-12-31T23:59:59", "2020-01-01T00:00:00", "2020-06-01T00:00:00", "2020-12-31T00:00:00", "2020-12-31T00:00:00.5"]),
        *bounds("datetime", "2020-01-01T00:00:00Z", "2020-12-31T00:00:00Z", ["2020-01-01T00:30:00+01:00", "2020-01-01T00:00:00Z", "2020-01-01T01:00:00+01:00", "2020-12-31T01:00:00+01:00"]),
        col("datetime", ["2020-01-05T10:00:00+01:00", "2020-01-05T09:00:00Z", "2020-01-05T10:00:00"], constraints={"enum": ["2020-01-05T09:00:00Z"]}),
        col("time", TIMES),
        col("time", ["10:00", "9:05", "24:00", "10:00:00"], format="%H:%M"),
        col("time", ["10:00 PM", "12:00 am", "13:00 PM", "12:00 PM"], format="%I:%M %p"),
        col("time", ["10:00:00.5", "10:00:00.1234567", "10:00:00"], format="%H:%M:%S.%f"),
        col("time", ["10:00:00+0100", "10:00:00Z", "10:00:00"], format="%H:%M:%S%z"),
        col("time", ["10:00", "10:00:00", "25:00", "ten"], format="any"),
        *bounds("time", "08:00:00", "18:00:00", ["07:59:59", "08:00:00", "12:00:00", "18:00:00", "18:00:00.5", "24:00:00"]),
        *bounds("time", "08:00:00Z", "18:00:00Z", ["09:30:00+01:00", "08:00:00Z", "19:00:00+01:00", "00:30:00-08:00"]),
        col("yearmonth", YEARMONTHS),
        *bounds("yearmonth", "2020-03", "2020-10", ["2020-02", "2020-03", "2020-3", "2020-10", "2020-11", "2019-12"]),
        col("yearmonth", ["2020-01", "2020-1", "2020-02"], constraints={"enum": ["2020-01"]}),
        col("duration", DURATIONS),
        col("duration", ["P1D", "PT24H", "P2D", "P1DT0H"], constraints={"enum": ["P1D"]}),
        col("geopoint", GEOPOINTS),
        col("geopoint", GEOPOINTS_ARRAY, format="array"),
        col("geopoint", GEOPOINTS_OBJECT, format="object"),
        col("geopoint", ["1,2", "1.0, 2", "2,1"], constraints={"enum": ["1,2"]}),
        col("object", OBJECTS),
        col("object", OBJECTS, constraints={"minLength": 1}),
        col("object", OBJECTS, constraints={"maxLength": 1}),
        col("object", ['{"a": 1}', '{"a": 1.0}', '{"a": true}', '{"a": 2}'], constraints={"enum": [{"a": 1}]}),
        col("array", ARRAYS),
        col("array", ARRAYS, constraints={"minLength": 1, "maxLength": 2}),
        col("list", LISTS),
        col("list", LISTS, itemType="integer"),
        col("list", LISTS, itemType="number"),
        col("list", LISTS, itemType="boolean"),
        col("list", LISTS, itemType="date"),
        col("list", LISTS, itemType="datetime"),
        col("list", LISTS, itemType="time"),
        col("list", ["a;b", "a,b", "a;;b"], delimiter=";"),
        col("list", LISTS, constraints={"minLength": 2, "maxLength": 2}),
        col("geojson", GEOJSONS),
    ]
    # fmt: on
    # every type with required, and a field-level missing value
    for ftype in (
        "integer",
        "number",
        "boolean",
        "date",
        "datetime",
        "time",
        "year",
        "yearmonth",
        "duration",
        "geopoint",
        "object",
        "array",
        "list",
        "geojson",
    ):
        out.append(col(ftype, ["", " ", "NA"], constraints={"required": True}))
        out.append(col(ftype, ["NA", ""], missingValues=["NA"]))
    for column in out:
        if not column.alone:
            column.values = column.values + COMMON
    from tests.table_schema_tables import fuzz_columns

    return out + fuzz_columns()


def crashing() -> list[Column]:
    """Cells on which frictionless crashes (each alone in its table)."""
    note = {"description": "frictionless plante"}
    return [
        col(
            "datetime",
            ["2020-06-01T00:00:00+01:00"],
            True,
            **note,
            constraints={"minimum": "2020-01-01T00:00:00"},
        ),
        col("time", ["10:00:00+01:00"], True, **note, constraints={"maximum": "18:00:00"}),
        col("number", ["sNaN"], True, **note, constraints={"minimum": 0}),
        col("number", ["sNaN", "1"], True, **note, constraints={"enum": [1]}),
    ]

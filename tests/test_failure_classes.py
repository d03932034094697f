"""One small fixture per failure class, asserting the exact code, line and field."""

from __future__ import annotations

from tests.conftest import MINI_OK, findings, run, tree_bytes


def only(items: list[dict], **match) -> list[dict]:
    return [f for f in items if all(f.get(k) == v for k, v in match.items())]


def test_valid_file_passes(mini):
    root = mini(MINI_OK)
    code, items = findings(root, "mini")
    assert code == 0
    assert items == []


def test_wrong_encoding_is_one_clear_finding(mini):
    text = MINI_OK.replace("Brion", "Brion-Évêque")
    root = mini(text, raw_bytes=text.encode("cp1252"))
    code, items = findings(root, "mini")
    assert code == 1
    assert len(items) == 1
    (item,) = items
    assert (item["code"], item["line"], item["file"]) == ("encoding-error", 2, "data/raw/mini.csv")
    assert "cp1252" in item["message"] and "pas en UTF-8" in item["message"]


def test_cp1252_file_validates_once_declared(mini):
    text = MINI_OK.replace("Brion", "Brion-Évêque").replace(",", ";")
    root = mini(text, encoding="cp1252", delimiter=";")
    code, items = findings(root, "mini")
    assert code == 0
    assert only(items, severity="error") == []


def test_decimal_comma_without_declaration(mini):
    root = mini(MINI_OK.replace("19.5", '"19,5"'))
    code, items = findings(root, "mini")
    assert code == 1
    assert [(f["code"], f["line"], f["field"], f["value"]) for f in items] == [
        ("type-error", 2, "montant", "19,5")
    ]


def test_decimal_comma_and_thousands_separators_once_declared(mini):
    text = MINI_OK.replace(",", ";").replace("19.5", "19,5").replace("1234.5", "1\u202f234,5")
    root = mini(text, delimiter=";", decimalChar=",", groupChar="\u00a0")
    code, items = findings(root, "mini")
    assert code == 0, items
    assert run(root, "build", "mini").exit_code == 0
    published = (root / "data/published/mini/mini.csv").read_text()
    assert "1,01036,Valromey-sur-Séran,19.5,50,2023-12-31\n" in published
    assert "2,2A004,Ajaccio,1234.5,10,2024-01-15\n" in published


def test_french_date_without_declaration(mini):
    root = mini(MINI_OK.replace("2023-12-31", "31/12/2023"))
    code, items = findings(root, "mini")
    assert code == 1
    assert [(f["code"], f["line"], f["field"]) for f in items] == [("type-error", 2, "date")]
    assert "aaaa-mm-jj" in items[0]["message"]


def test_french_date_once_declared_is_published_iso(mini):
    text = MINI_OK.replace("2023-12-31", "31/12/2023").replace("2024-01-15", "15/01/2024")
    root = mini(text, dateFormat="%d/%m/%Y")
    assert findings(root, "mini")[0] == 0
    assert run(root, "build", "mini").exit_code == 0
    assert ",2023-12-31\n" in (root / "data/published/mini/mini.csv").read_text()


def test_blank_row(mini):
    root = mini(MINI_OK.replace("\n2,", "\n\n2,"))
    code, items = findings(root, "mini")
    assert code == 1
    assert [(f["code"], f["line"]) for f in items] == [("blank-row", 3)]


def test_extra_cell(mini):
    root = mini(MINI_OK.replace("0,\n", "0,,oops\n"))
    code, items = findings(root, "mini")
    assert code == 1
    assert [(f["code"], f["line"], f["column"]) for f in items] == [("extra-cell", 4, 7)]


def test_missing_column(mini):
    lines = [
        ",".join(c for i, c in enumerate(line.split(",")) if i != 4)
        for line in MINI_OK.splitlines()
    ]
    root = mini("\n".join(lines) + "\n")
    code, items = findings(root, "mini")
    assert code == 1
    assert [(f["code"], f["line"], f["field"]) for f in items] == [("missing-label", 1, "taux")]


def test_duplicated_id(mini):
    root = mini(MINI_OK.replace("3,01063", "2,01063"))
    code, items = findings(root, "mini")
    assert code == 1
    assert [(f["code"], f["line"], f["field"], f["value"]) for f in items] == [
        ("primary-key-error", 4, "id", "2")
    ]
    assert "ligne 3" in items[0]["message"]


def test_unknown_insee_code(mini):
    root = mini(MINI_OK.replace("01063", "01999"))
    code, items = findings(root, "mini")
    assert code == 1
    assert [(f["code"], f["line"], f["field"], f["value"]) for f in items] == [
        ("foreign-key-error", 4, "insee_com", "01999")
    ]
    assert "COG 2023" in items[0]["message"]


def test_value_out_of_range(mini):
    root = mini(MINI_OK.replace(",50,", ",150,"))
    code, items = findings(root, "mini")
    assert code == 1
    assert [(f["code"], f["line"], f["field"], f["value"]) for f in items] == [
        ("constraint-error", 2, "taux", "150")
    ]
    assert "maximum 100" in items[0]["message"]


def test_leading_zero_lost(mini):
    root = mini(MINI_OK.replace("01036", "1036"))
    code, items = findings(root, "mini")
    assert code == 1
    # the pattern catches it; the lost zero also makes the code unknown to the COG
    assert [(f["code"], f["line"], f["field"], f["value"]) for f in items] == [
        ("constraint-error", 2, "insee_com", "1036"),
        ("foreign-key-error", 2, "insee_com", "1036"),
    ]


def test_codes_keep_leading_zeros_and_corsican_letters(mini):
    root = mini(MINI_OK)
    assert run(root, "build", "mini").exit_code == 0
    csv_text = (root / "data/published/mini/mini.csv").read_text()
    assert "1,01036," in csv_text and "2,2A004," in csv_text
    json_text = (root / "data/published/mini/mini.json").read_text()
    assert '"insee_com":"01036"' in json_text and '"insee_com":"2A004"' in json_text


def test_multiline_quoted_cell_keeps_physical_lines(mini):
    text = MINI_OK.replace("Ajaccio", '"Ajac\ncio"').replace(",0,\n", ",oops,\n")
    root = mini(text)
    code, items = findings(root, "mini")
    assert code == 1
    assert [(f["code"], f["line"], f["field"]) for f in items] == [("type-error", 5, "taux")]


def test_bad_input_leaves_published_untouched(mini):
    root = mini(MINI_OK)
    assert run(root, "build", "mini").exit_code == 0
    before = tree_bytes(root / "data/published")
    for broken in (MINI_OK.replace("01036", "1036"), MINI_OK.replace("\n2,", "\n\n2,")):
        mini(broken)
        result = run(root, "build", "mini")
        assert result.exit_code == 1
        assert "Traceback" not in result.output
        assert tree_bytes(root / "data/published") == before


def test_crlf_file_reads_directly_with_the_same_findings_as_lf(mini):
    """A spreadsheet export ends records with CRLF (and may hold CRLF in quoted cells): it is
    read by DuckDB directly, with the lines and findings of the same file in LF."""
    from pipeline.repo import Repo
    from pipeline.validate import validate

    text = MINI_OK.replace("Ajaccio", '"Ajac\r\ncio"').replace(",0,\n", ",oops,\n")
    root = mini(text.replace("\n", "\r\n").replace("\r\r\n", "\r\n"))
    code, items = findings(root, "mini")
    assert code == 1
    assert [(f["code"], f["line"], f["field"]) for f in items] == [("type-error", 5, "taux")]
    run_ = validate(Repo(root), ["mini"])
    assert run_.workspace.table("mini").source.fast
    assert "Ajac\r\ncio" in run_.workspace.table("mini").text["lib_com"].tolist()

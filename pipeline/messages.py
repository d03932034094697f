"""French messages for data officers, keyed by finding code. Each says what is wrong and how
to fix it. Placeholders are filled with ``str.format``."""

from __future__ import annotations

UNCOMPUTED = (
    "la cellule {cell} contient la formule « {formula} » sans valeur calculée ({count} "
    "formule(s) dans la feuille, aucune calculée) : le classeur a été écrit par un programme qui "
    "ne calcule pas les formules, et chacune se lirait comme une cellule vide. Ouvrez-le dans "
    "le tableur et enregistrez-le (il calculera les formules), puis relancez."
)
# What to do when the file of an earlier edition does not match the schema it is read with:
# never edit the file; without a schema of its own, give it one; else, correct that one.
EDITION_SCHEMA = {
    False: "Ne modifiez pas son fichier brut : donnez à cette édition son propre schéma (une "
    "copie datée de celui qu'elle suivait), nommé sous « schema » dans son entrée de "
    "« vintages » de schemas/{dataset}/dataset.json.",
    True: "Ne modifiez pas son fichier brut : corrigez ce schéma, le sien (nommé sous « schema » "
    "dans son entrée de « vintages » de schemas/{dataset}/dataset.json), pour qu'il décrive "
    "les colonnes du fichier.",
}
MESSAGES: dict[str, str] = {
    # reading the file
    "source-error": "Fichier introuvable ou illisible : {detail}. Vérifiez le chemin déclaré dans "
    "schemas/{dataset}/dataset.json.",
    "source-empty": "Fichier vide : {file} ne contient aucune ligne. Déposez de nouveau le "
    "fichier complet.",
    "encoding-error": "Le fichier semble encodé en {found}, pas en {declared} (premier octet "
    "invalide ligne {line}). Réenregistrez-le en {declared} ou déclarez "
    '"encoding": "{found_key}" dans le dialecte de dataset.json.',
    "format-error": "Le fichier n'est pas un CSV : d'après ses premiers octets, c'est {what}. "
    "{advice}",
    "xlsx-format-error": "Le fichier n'est pas un classeur XLSX : d'après ses premiers octets, "
    "c'est {what}. {advice}",
    "xlsx-damaged": "Le classeur {file} ne s'ouvre pas : il est endommagé ou incomplet. "
    "Ouvrez-le dans le tableur et enregistrez-le de nouveau au format « Classeur Excel (.xlsx) », "
    "ou déposez de nouveau le fichier reçu.",
    "xlsx-sheet-missing": "Le classeur {file} n'a pas de feuille « {sheet} ». Ses feuilles : "
    "{sheets}. Déclarez l'une d'elles sous « sheet » dans schemas/{dataset}/dataset.json.",
    "xlsx-sheet-index": "Le classeur {file} n'a pas de feuille numéro {sheet} (« sheet » les "
    "compte à partir de 0) : il en a {count}, {sheets}. Déclarez sous « sheet » le nom de la "
    "feuille voulue dans schemas/{dataset}/dataset.json.",
    "xlsx-uncomputed-formulas": UNCOMPUTED,
    "xlsx-sheet-uncomputed": "Feuille « {sheet} » du classeur {file} : " + UNCOMPUTED,
    "xlsx-sheet-empty": "La feuille « {sheet} » du classeur {file} est vide. {where}",
    "xlsx-header-beyond": "La feuille « {sheet} » du classeur {file} n'a aucune ligne remplie à "
    "partir de la ligne {header_row} (« headerRow ») : sa dernière ligne remplie est la ligne "
    "{last}. Déclarez sous « headerRow » la ligne de l'en-tête dans "
    "schemas/{dataset}/dataset.json.",
    "delimiter-error": "Le séparateur de colonnes semble être « {found} » et non « {declared} » : "
    "l'en-tête ne forme qu'une colonne. Réexportez le fichier avec « {declared} » ou corrigez "
    "le dialecte dans dataset.json.",
    "dependency-invalid": "{what} non calculable : {dependency} est invalide (son fichier brut "
    "est illisible, voir ses constats). Corrigez d'abord ce fichier, puis relancez.",
    # header
    "missing-label": "Colonne « {field} » absente de l'en-tête. Ajoutez-la (le schéma l'exige) "
    "ou vérifiez son orthographe.",
    "extra-label": "Colonne « {label} » inconnue du schéma (colonne {column}). Supprimez-la ou "
    "ajoutez-la au schéma.",
    # the same, in the file of an earlier edition: its raw file stays as received
    "extra-label-edition": "Colonne « {label} » inconnue du schéma {schema} (colonne {column}), "
    "avec lequel se lit l'{edition}, une édition antérieure. {advice}",
    "missing-label-edition": "Colonne « {field} » absente de l'en-tête, alors que le schéma "
    "{schema}, avec lequel se lit l'{edition}, une édition antérieure, l'exige. {advice}",
    "duplicate-label": "La colonne « {label} » apparaît plusieurs fois dans l'en-tête "
    "(colonne {column}). Renommez ou supprimez le doublon.",
    "blank-header": "La colonne {column} n'a pas de nom dans l'en-tête. Nommez-la ou supprimez-la.",
    # rows
    "blank-row": "Ligne vide. Supprimez-la.",
    "extra-cell": "La ligne compte {found} au lieu de {expected}. Une virgule ou un "
    "point-virgule en trop, ou une cellule mal entourée de guillemets ?",
    "missing-cell": "La ligne compte {found} au lieu de {expected} : la colonne {absent} "
    "manque. Complétez la ligne.",
    "unclosed-quote": "Le guillemet qui ouvre la cellule {where} ligne {line} n'est jamais "
    "refermé : toute la suite du fichier, jusqu'à la ligne {last}, est lue comme une seule "
    "cellule, et les lignes qui suivent manquent. Refermez ce guillemet ou retirez-le.",
    "trailing-blank-lines": "{count} en fin de fichier ({where}) : ignorées, elles ne bloquent "
    "rien. Supprimez-les pour un fichier propre.",
    "label-whitespace": "L'intitulé de la colonne {column} est « {field} » entouré d'espaces "
    "({spaces}) : il est lu comme « {field} ». Retirez ces espaces de l'en-tête.",
    # hostile cells
    "formula-injection": "« {value} » commence par « {sign} » : un tableur qui ouvre le CSV publié "
    "peut l'exécuter comme une formule. Si ce n'est pas voulu, retirez ce signe du début de la "
    "cellule ; sinon la valeur est publiée telle quelle, avec cet avertissement.",
    "control-character": "La cellule de « {field} » contient un caractère de contrôle invisible, "
    "{char}, en position {position} : « {value} ». Supprimez-le (il vient souvent d'un "
    "copier-coller) : il brouille l'affichage et les programmes qui lisent le fichier.",
    "cell-too-long": "La cellule de « {field} » compte {length} caractères : un tableur n'en garde "
    "que {limit} et tronquerait la valeur. Vérifiez-la (texte collé par erreur ?) ou "
    "raccourcissez-la.",
    # cells
    "type-error": "« {value} » n'est pas {type_fr} valide pour « {field} »{hint}. Corrigez la "
    "valeur.",
    "constraint-required": "« {field} » est obligatoire mais la cellule est vide. Renseignez-la.",
    "constraint-pattern": "« {value} » n'a pas le format attendu pour « {field} » "
    "({pattern_fr}). Corrigez la valeur.",
    "constraint-enum": "« {value} » n'est pas une valeur permise pour « {field} ». Valeurs "
    "permises : {enum}.",
    "constraint-minimum": "« {value} » est inférieur au minimum {limit} permis pour « {field} ».",
    "constraint-maximum": "« {value} » est supérieur au maximum {limit} permis pour « {field} ».",
    "constraint-exclusiveMinimum": "« {value} » n'est pas strictement supérieur à {limit} comme "
    "l'exige « {field} ».",
    "constraint-exclusiveMaximum": "« {value} » n'est pas strictement inférieur à {limit} comme "
    "l'exige « {field} ».",
    "constraint-minLength": "« {value} » est trop court pour « {field} » (au moins {limit} "
    "{unit}).",
    "constraint-maxLength": "« {value} » est trop long pour « {field} » (au plus {limit} {unit}).",
    "unique-error": "« {value} » est en double dans « {field} » (déjà vu ligne {first_line}). "
    "Chaque valeur doit être unique.",
    "primary-key-error": "La clé {fields} = {value} est en double (déjà vue ligne {first_line}). "
    "Supprimez le doublon ou corrigez l'identifiant.",
    "primary-key-empty": "La clé {fields} est vide. Chaque ligne doit avoir une clé : "
    "renseignez-la.",
    "foreign-key-error": "« {value} » ({field}) est introuvable dans {target}. Vérifiez le "
    "code{hint}.",
    # pipeline rules
    "commune-name-mismatch": "La commune {commune} s'appelle « {expected} » dans le COG, pas "
    "« {value} ». Vérifiez le code ou le nom.",
    "commune-departement-mismatch": "La commune {commune} est dans le département {expected} selon "
    "le COG, pas {value}. Corrigez le code commune ou le département.",
    "commune-region-mismatch": "La commune {commune} est dans la région {expected} selon le COG, pas "
    "{value}. Corrigez le code commune ou la région.",
    "coordinates-swapped": "Latitude {lat} et longitude {lon} semblent inversées (le point inversé "
    "tombe en France). Échangez les deux valeurs.",
    "coordinates-outside-france": "Le point ({lat}, {lon}) est hors de France (métropole et "
    "outre-mer). Vérifiez les coordonnées.",
    # expectations
    "expectation-failed": "Règle « {expectation} » non respectée pour « {field} » : valeur "
    "« {value} ».",
    "expectation-table": "Règle « {expectation} » non respectée : {detail}.",
    # headline figures
    "figure-gap": "Chiffre clé « {label} » : publié {published}, recalculé {recomputed} à partir "
    "de {method} (écart {gap} ; précision du chiffre publié : {precision}).",
    "figure-unverifiable": "Chiffre clé « {label} » ({published}) : non vérifiable, aucune donnée "
    "détaillée publiée ne permet de le recalculer.",
}

TYPES_FR = {
    "integer": "un nombre entier",
    "number": "un nombre",
    "date": "une date",
    "datetime": "une date et heure",
    "boolean": "un booléen",
    "year": "une année",
    "string": "un texte",
    "time": "une heure",
    "yearmonth": "un mois (aaaa-mm)",
    "duration": "une durée ISO 8601",
    "object": "un objet JSON",
    "array": "un tableau JSON",
    "list": "une liste",
    "geopoint": "un point géographique",
    "geojson": "un objet GeoJSON",
    "any": "une valeur",
}


def message(code: str, **values: object) -> str:
    template = MESSAGES.get(code)
    if template is None:
        return values.get("detail", code)  # type: ignore[return-value]
    try:
        return template.format(**values)
    except (KeyError, IndexError):
        return template


# Line breaks become spaces; other control characters their visible Unicode picture (␛ for
# ESC, ␀ for NUL), so that a hostile cell quoted in a report can never drive a terminal.
VISIBLE = str.maketrans(
    {
        **{c: chr(0x2400 + c) for c in range(32) if c not in (9, 10, 13)},
        10: " ",
        13: " ",
        127: "\u2421",
        0x2028: " ",
        0x2029: " ",
        # C1 and bidirectional controls: shown as their code, never applied
        **{c: f"<U+{c:04X}>" for c in [*range(0x80, 0xA0), *range(0x202A, 0x202F)]},
        **{c: f"<U+{c:04X}>" for c in range(0x2066, 0x206A)},
        # zero-width characters: a label or code that looks right yet does not match
        **{c: f"<U+{c:04X}>" for c in (0x200B, 0x2060, 0xFEFF)},
    }
)


def shorten(value: object, limit: int = 80) -> str:
    text = "" if value is None else str(value)
    text = text.translate(VISIBLE)
    return text if len(text) <= limit else text[: limit - 1] + "…"


MESSAGES.update(
    {
        "grouping-not-found": "Le groupement « {value} » ({field}, de nature {kind}) est "
        "introuvable dans {target}. Vérifiez le SIREN ou sa nature.",
        "grouping-unknown-kind": "Nature de groupement « {kind} » sans table de référence "
        "déclarée pour « {value} ». Déclarez-la dans dataset.json.",
        "commune-not-current": "Le code {value} ({field}) n'est, dans {target}, qu'{kind} à "
        "{parent} ({parent_name}). Vérifiez le code, ou le millésime du COG que le jeu déclare "
        "suivre (« cog »).",
        "metadata-outdated": "Métadonnée écrite à la main et périmée, {file}, {where} : {detail}.",
        "identifier-reassigned": "L'identifiant « {value} » ({field}) désignait {old} dans le "
        "paquet publié ; ce fichier l'attribue à {new}. Les réutilisateurs qui joignent sur "
        "{field} confondraient les deux : la comparaison des versions se fait sur {key}.",
        "field-emptied": "Le champ « {field} » est vide sur toutes les lignes de ce fichier, alors "
        "qu'il est rempli sur {filled} du paquet publié ({published} au total) : publiées ainsi, "
        "ces valeurs disparaîtraient sans que les réutilisateurs en soient avertis. Vérifiez "
        "l'export (une colonne perdue dans le tableur ?) ; si c'est voulu, dites-le dans la "
        "demande de fusion.",
    }
)

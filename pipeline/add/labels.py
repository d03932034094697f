"""The French words ``pipeline add`` writes for what it recognises: field titles and
descriptions, and the labels its summary and notes print."""

from __future__ import annotations

TODO = "À COMPLÉTER"

# Descriptions of the formats recognised by their values (pipeline.add.formats); the codes
# tied to the COG name its vintage.
DESCRIPTIONS = {
    "commune": "Code INSEE de la commune",
    "departement": "Code du département",
    "region": "Code de la région",
    "epci": "Numéro SIREN de l'EPCI",
    "siren": "Numéro SIREN",
    "siret": "Numéro SIRET",
    "code_postal": "Code postal",
    "latitude": "Latitude (WGS 84)",
    "longitude": "Longitude (WGS 84)",
    "email": "Adresse électronique",
    "telephone": "Téléphone",
}
WITH_VINTAGE = ("commune", "epci")
LABELS = {  # what the summary and the notes print
    "commune": "code commune INSEE",
    "departement": "code département",
    "region": "code région",
    "epci": "SIREN d'EPCI",
    "siren": "SIREN",
    "siret": "SIRET",
    "code_postal": "code postal",
    "latitude": "latitude",
    "longitude": "longitude",
    "email": "courriel",
    "telephone": "téléphone",
}
# Well-known ANCT column names whose description is certain.
NAME_DESCRIPTIONS = {
    "lib_com": "Nom de la commune",
    "nom_com": "Nom de la commune",
    "nom_commune": "Nom de la commune",
    "lib_dep": "Nom du département",
    "nom_dep": "Nom du département",
    "lib_reg": "Nom de la région",
    "nom_reg": "Nom de la région",
    "lib_epci": "Nom de l'EPCI",
    "nom_epci": "Nom de l'EPCI",
    "adresse": "Adresse",
    "mail": "Adresse électronique",
    "email": "Adresse électronique",
    "courriel": "Adresse électronique",
    "telephone": "Téléphone",
}


def _titles(title: str, *names: str) -> dict[str, str]:
    return dict.fromkeys(names, title)


# Well-known French column names (lower case) whose title is certain; any other field's title
# is left to fill in, since the column name is rarely what a reuser should read.
NAME_TITLES = (
    _titles("Code INSEE de la commune", "insee_com", "code_insee", "code_commune", "codgeo",
            "depcom", "com", "insee_commune", "cod_com", "code_com")
    | _titles("Nom de la commune", "lib_com", "nom_com", "nom_commune", "libelle_commune",
              "libgeo")
    | _titles("Code du département", "insee_dep", "code_dep", "code_departement", "dep",
              "cod_dep")
    | _titles("Nom du département", "lib_dep", "nom_dep", "nom_departement")
    | _titles("Code de la région", "insee_reg", "code_reg", "code_region", "reg")
    | _titles("Nom de la région", "lib_reg", "nom_reg", "nom_region")
    | _titles("SIREN de l'EPCI", "siren_epci", "code_epci", "epci_siren")
    | _titles("Nom de l'EPCI", "lib_epci", "nom_epci", "epci_nom")
    | _titles("Code postal", "code_postal", "cp", "codepostal")
    | _titles("Latitude", "latitude", "lat")
    | _titles("Longitude", "longitude", "lon", "lng")
    | _titles("Adresse", "adresse")
    | _titles("Complément d'adresse", "complement_adresse")
    | _titles("Adresse électronique", "mail", "email", "courriel")
    | _titles("Téléphone", "telephone", "tel")
    | _titles("SIREN", "siren")
    | _titles("SIRET", "siret")
)  # fmt: skip


def description(kind: str, cog: int | None) -> str:
    """``Code INSEE de la commune (COG 2024)``."""
    text = DESCRIPTIONS[kind]
    return f"{text} (COG {cog})" if kind in WITH_VINTAGE and cog else text

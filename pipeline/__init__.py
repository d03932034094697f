"""ANCT open-data publishing pipeline: validate raw files, build Frictionless data packages,
publish them to data.gouv.fr."""

__version__ = "0.1.0"

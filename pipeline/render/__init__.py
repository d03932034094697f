"""Renderers: each turns a :class:`~pipeline.findings.Report` into one output format."""

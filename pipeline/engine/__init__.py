"""The columnar validation engine: raw files are scanned by DuckDB, in bounded memory.

- :mod:`pipeline.engine.db` opens the connection (memory limit, spill folder, no extension
  downloads);
- :mod:`pipeline.engine.source` turns a raw file or a derived table into a *source*: cells as
  text in file order, with the physical line of every record;
- :mod:`pipeline.engine.scan` runs every row-level check of a resource in one pass over its
  source, and the set-level ones (keys, counts) in another.

The SQL itself is generated in :mod:`pipeline.sql` only.
"""

"""Every declaration of the repository checked when it is loaded, before any data is read:
``schemas/<dataset>/dataset.json``, the Table Schemas, the Great Expectations suites and
``pipeline.json``. Each mistake becomes a :class:`~pipeline.declarations.problems.Problem`
(file, JSON path, line, French message saying what to write instead); all of them are raised
together as one :class:`~pipeline.declarations.problems.DeclarationError` (exit 2).

Modules: ``problems`` (the model), ``jsonfile`` (reading, lines of JSON paths),
``schema_errors`` (JSON Schema errors in French), ``options`` (schemas of the declarations
that are not yet checks), ``composed`` (the dataset.json schema, published in docs/),
``references`` (names of fields, resources and datasets), ``values`` (regexes, date formats
and bounds tried in the engine), ``table_schema``, ``suites``, ``sources`` and ``repository``
(the whole catalogue). This package imports nothing from the catalogue, so that
:mod:`pipeline.config` and :mod:`pipeline.catalog` can both use it."""

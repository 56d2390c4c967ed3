"""Import of population and encounter extracts into the lake (docs/extract-contract.md).

The pipeline, each step a module: `sources` loads a CSV, Parquet or FHIR NDJSON file into DuckDB as text
columns; `validate` checks every row in SQL and builds the typed rows; `rules` holds the SQL twins of the
personnummer, ICD-10 and pseudonym rules; `keys` stores the re-identification keys; `report` writes the rejected
rows. nara.identify.services.import_extract runs them; nara.identify.lake stores the result.
"""

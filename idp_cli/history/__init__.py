"""The catalog's git history: how one model evolved (`idp models history`, log.py) and what
changed between two refs (`idp catalog diff`, diff.py). Both return the frozen records of
records.py; `idp_cli.output.jsonable.to_json` turns those into the JSON the commands print.

Both read blobs from git's object database, never by checking commits out, and both read
only the files that changed: a catalog split into one file per model (`include:`) costs a few
blob reads per commit, not a parse of the whole catalog. The data is the catalog's own YAML as
written, the same data a validated catalog holds; neither command validates it
(`idp catalog validate --catalog-ref REF` does).
"""

"""The schema, as numbered SQL steps: `NNNN_<what>.sql` takes a database from version NNNN-1
to NNNN (0001 creates the first release's tables). Installed as the package
`kanazawa_desktop.db` (pyproject.toml's package-dir); `store/schema.py` runs the steps, one
transaction each, statement by statement, and derives from them what each version adds.

A step is plain SQL: no BEGIN/COMMIT (the runner owns the transaction), and it must work
from the previous version's tables. A released step is never edited; a change is a new step.
"""

"""Reports: pure functions from results to text, tables and JSON.  They never re-run anything.

A counterexample is read once into the trace view (view.py), which every renderer renders; the
words about verdicts are gcverify/wording.py's."""

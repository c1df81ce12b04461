"""Reports: pure functions from results to text, tables and JSON.  They never re-run anything."""

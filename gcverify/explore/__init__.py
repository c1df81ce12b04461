"""The explicit-state engine: breadth-first search over concrete states."""

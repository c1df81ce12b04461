"""The native explorer: the model staged into C, compiled with the system C compiler, searched in C.

emit.py prints a model's C file, build.py compiles and caches it, engine.py loads it and runs one
partition's levels through it.  See docs/adr/0009-native-explorer.md.
"""

"""`python -m gcverify` and the `gcverify` command: the command-line interface (cli.py).

Owns: `run`, which imports the CLI and runs it; a Ctrl-C while the imports are still loading
(click, rich, lark, numpy take a moment) ends in one line and exit code 20 (unknown: nothing was
checked), not in a traceback.  Imports nothing at module level, so that the guard covers every
import of gcverify's own.
"""

import sys


def run() -> None:
    try:
        from gcverify.cli import main
    except KeyboardInterrupt:
        sys.stderr.write("gcverify: interrupted while starting; nothing was checked\n")
        sys.exit(20)  # ExitCode.UNKNOWN, not imported: importing it is what was interrupted
    main()


if __name__ == "__main__":
    run()

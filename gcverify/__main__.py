"""`python -m gcverify` runs the command-line interface."""

from gcverify.cli import main

main()

"""`python -m openapiopenai`: the command line."""

from openapiopenai.cli import main

if __name__ == "__main__":
    raise SystemExit(main())

"""`python -m openapiopenai`: the command line."""

from openapiopenai.cli import main

raise SystemExit(main())

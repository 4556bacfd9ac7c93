"""`python -m openapiopenai`: the command line."""

from openapiopenai.cli import run

if __name__ == "__main__":
    run()

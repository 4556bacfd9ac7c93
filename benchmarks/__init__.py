"""Side-by-side benchmarks of this library, the generated SDK models, msgspec and plain pydantic.

Run them with ``python -m benchmarks`` from the repository root; ``--help`` lists the options.
"""

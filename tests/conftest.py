"""pytest configuration for the test suite."""

# Run by hand with torch installed (see its docstring); it is not a test module and the
# book's environment has no torch, so doctest collection must not import it.
collect_ignore = ["reference/record.py"]

"""pytest configuration for the test suite."""

# The recorders run by hand in their own environments (torch; jax, optax and Keras), see
# their docstrings; they are not test modules and the book's environment has none of
# those libraries, so doctest collection must not import them.
collect_ignore = ["reference/record.py", "reference/record_optax_keras.py"]

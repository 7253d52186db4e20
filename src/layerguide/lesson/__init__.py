"""The lesson's own examples as code, defined once for pages, tests and benchmarks.

One module per chapter topic (``linear``, ``convnet``, ``decoders``): the models, shapes
and small inputs the Korean lesson uses, so a page, its test and a benchmark build the same
object instead of each writing its own copy.
"""

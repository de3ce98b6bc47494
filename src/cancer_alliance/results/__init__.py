"""The results layer (issue #19): the catalogue of every results file, the pipeline that computes them
from the current lake into a new generation, the atomic swap between generations, and the reader that
the web, the board pack, programme metrics and the CLI use."""

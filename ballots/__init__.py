"""Counting rules of a town people's congress: motions, elections, selections, evaluations.

Pure functions, no I/O. The rules are those of ``docs/domain-rules.md``; the input and output
objects are the tally format of ``docs/tally-format.md``.
"""

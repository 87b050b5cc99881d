"""The dress rehearsal of a sitting with simulated tablets (``congress simulate``).

- :mod:`devices.rehearsal.plan`: the scenario, read from ``examples/rehearsal/*.json``;
- :mod:`devices.rehearsal.run`: :class:`~devices.rehearsal.run.Rehearsal` drives a real server;
- :mod:`devices.rehearsal.summary`: the counts a run finds;
- :mod:`devices.rehearsal.report`: the results and summary it prints.
"""

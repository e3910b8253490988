"""Baselines the benchmarks print next to our solver: `greedy.greedy_plan` (what HR does in Excel)
and `independent_mip.solve_independent` (the same problem written again as a MIP, solved by HiGHS).

Import as `baselines.*` from a script in benchmarks/ (`.venv/bin/python benchmarks/x.py`) or as
`benchmarks.baselines.*` from the repository root (tests).
"""

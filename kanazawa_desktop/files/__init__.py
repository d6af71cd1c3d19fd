"""File-system helpers shared by store/, workbook/ and services/ (stdlib only, below them all).

domain/ holds rules and no I/O; what touches files (temporaries beside a target, sweeping a
killed run's) lives here, where every layer that writes a file can reach it.
"""

"""Bring agents into the directory from a CSV file or an LDAP directory.

A source (``csv_source``, ``ldap_source``) reads rows; ``planner.plan_import`` compares them
with the directory and says what would change, or why it cannot; the action
``beffroi.directory.actions.do_import_directory`` applies a plan all at once.
"""

from beffroi.directory.importing.csv_source import read_csv
from beffroi.directory.importing.plan import ImportPlan
from beffroi.directory.importing.planner import plan_import
from beffroi.directory.importing.rows import Problem, SourceRow, SourceRows

__all__ = ["ImportPlan", "Problem", "SourceRow", "SourceRows", "plan_import", "read_csv"]

"""The clerk's workbench: one module per ledger."""

from . import accountability, audited, backlog, bureau, order, outreach, people, petitions, screenings, users  # noqa: F401

# The site's names and its menu: cases.adminsite.WorkbenchSite.

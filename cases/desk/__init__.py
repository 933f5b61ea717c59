"""The responsible unit's desk (/unit/): its own cases, and its three steps on each (cases.workflow)."""

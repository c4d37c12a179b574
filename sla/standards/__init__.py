"""Writes of the admin side of service standards, one module per job:

- `common`: what every write shares: field errors, the audit log (`StandardChange`) and
  reading whole numbers;
- `calendars`: business calendars (hours, holidays, make-up working days) and the import
  of a country's public holidays;
- `service_standards`: service standard versions, and retiring one;
- `chains`: escalation chains and their levels;
- `simulator`: what due times a calendar or a standard gives (writes nothing).

Every function validates all of its input before it writes anything, so a refused
change leaves no trace; every accepted change writes one `StandardChange` row with the
old and new values of what changed (`{"field": {"old": …, "new": …}}`).

Callers import from the module that defines a name; this package re-exports nothing.
"""

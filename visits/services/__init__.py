"""Writes of the visits app, one module per area: `plan` (visits, teams, schedules, patterns,
rules), `onsite` (records made on site, schools' checks, walkthroughs), `findings` (findings and
rectification), `reports` (visit reports). Callers import the function from its module."""

"""Telling people: the daily report by e-mail, alert rules, and a record of both in `audit`."""

"""Silver and gold on Apache Spark (issue 22): `shopfloor run --engine spark`."""

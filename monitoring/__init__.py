"""Monitoring: recorded baselines (seed 003 record mode); scoring is in dbt (fct_anomaly)."""

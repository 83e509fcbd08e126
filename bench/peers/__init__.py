"""Peers: what someone would write instead of the product, kept out of the product."""

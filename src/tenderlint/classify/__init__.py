"""The topic classifier: features, training, and loading the shipped model from ``models/``."""

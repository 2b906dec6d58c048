"""The rule engine: rule files (YAML data) → validated rules → located evidence in a Document."""

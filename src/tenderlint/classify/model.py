"""Load the shipped topic classifier and turn its predictions into located evidence."""

from __future__ import annotations

from tenderlint.resources import models_dir

MODEL_FILE = "topic-classifier.skops"


def load_shipped_model():
    """The shipped classifier, or None when this installation has none."""
    path = models_dir() / MODEL_FILE
    if not path.exists():
        return None
    from tenderlint.classify.predict import TopicModel

    return TopicModel.load(path)

"""Benchmark: the shipped classifier's size and load time (issue 7 targets: ≤ 20 MB, load < 0.5 s).

The check reads the skops file with numpy alone (classify/inference.py); loading it through skops
and scikit-learn is timed too, for comparison, with its import cost shown apart.

    python bench/model_load.py [--repeat 5]
"""

from __future__ import annotations

import argparse
import statistics
import time


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    from tenderlint.classify.model import MODEL_FILE
    from tenderlint.classify.predict import TopicModel
    from tenderlint.resources import models_dir

    path = models_dir() / MODEL_FILE
    times = []
    for _ in range(args.repeat):
        t = time.perf_counter()
        model = TopicModel.load(path)
        times.append(time.perf_counter() - t)
    sentences = ["The Contractor shall notify the Agency of any breach of personal data within 24 hours."] * 1000
    t = time.perf_counter()
    model.predict_proba(sentences)
    predict = time.perf_counter() - t

    started = time.perf_counter()
    import skops.io as sio

    imported = time.perf_counter() - started
    data = path.read_bytes()
    t = time.perf_counter()
    pipeline = sio.loads(data, trusted=sio.get_untrusted_types(data=data))
    skops_load = time.perf_counter() - t
    t = time.perf_counter()
    pipeline.predict_proba(sentences)
    skops_predict = time.perf_counter() - t
    size = path.stat().st_size / 1e6
    load = statistics.median(times)
    print(f"model file      {size:.1f} MB (target ≤ 20 MB): {'ok' if size <= 20 else 'OVER'}")
    print(f"load with numpy (median of {args.repeat}) {load:.3f} s (target < 0.5 s): {'ok' if load < 0.5 else 'OVER'}")
    print(f"predict 1,000 sentences {predict:.3f} s")
    print(f"for comparison, through skops: import {imported:.2f} s, load {skops_load:.3f} s, "
          f"predict 1,000 sentences {skops_predict:.3f} s")

if __name__ == "__main__":
    main()

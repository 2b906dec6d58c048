"""Re-locate the judged sentence labels after the parser changed the text of some documents.

    PYTHONPATH=src python corpus/tools/relocate_judged.py OLD_TEXTS.json

OLD_TEXTS.json (a working file outside the repository: it holds the documents' text) maps each
document to ``{"start:end": sentence text}`` as the previous parser extracted it, dumped by running
the previous commit's parser over corpus/labels/judged.csv. Each judged row whose hash no longer
matches is moved to the sentence of the new parse with the same text once the parser's repairs
are applied, or else the most similar sentence near the same relative position (similarity at least
0.9); rows that find none are dropped and counted.
"""

from __future__ import annotations

import difflib
import json
import sys
from pathlib import Path

from build_sentence_labels import DOCS, LABELS

from tenderlint.classify.standoff import SentenceLabel, read_labels, split_sentences, text_hash, write_labels
from tenderlint.parsers import parse


def main() -> int:
    old_texts = json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))
    path = LABELS / "judged.csv"
    rows = read_labels(path)
    kept, moved, dropped = [], 0, 0
    cache = {}
    for row in rows:
        if row.document not in old_texts:
            kept.append(row)
            continue
        if row.document not in cache:
            document = parse(DOCS / row.document)
            cache[row.document] = (document.text, split_sentences(document))
        text, sentences = cache[row.document]
        if text_hash(text[row.start:row.end]) == row.sha256:
            kept.append(row)
            continue
        old = old_texts[row.document][f"{row.start}:{row.end}"]
        exact = [s for s in sentences if s.text == old]
        if not exact:
            # Same relative place in the document, most similar text.
            where = row.start / max(1, max(int(k.split(":")[1]) for k in old_texts[row.document]))
            near = [s for s in sentences if abs(s.start / max(1, len(text)) - where) < 0.05]
            scored = sorted(((difflib.SequenceMatcher(None, old, s.text).ratio(), s) for s in near),
                            key=lambda item: -item[0])
            exact = [scored[0][1]] if scored and scored[0][0] >= 0.9 else []
        if not exact:
            dropped += 1
            continue
        s = exact[0]
        kept.append(SentenceLabel(row.document, s.start, s.end, s.sha256, row.topic, row.strength,
                                  row.form, row.stance, row.source))
        moved += 1
    unique = {(r.document, r.start, r.end, r.topic): r for r in kept}
    write_labels(path, list(unique.values()))
    print(f"{moved} rows moved, {dropped} dropped, {len(unique)} rows kept")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""A short, stable fingerprint of a rule pack, so stored results know which rules made them."""

from __future__ import annotations

import hashlib

from tenderlint.rules.loader import RulePack


def rules_fingerprint(pack: RulePack) -> str:
    digest = hashlib.sha256()
    for topic_id in sorted(pack.rules):
        digest.update(topic_id.encode())
        digest.update(pack.rules[topic_id].model_dump_json().encode())
    return digest.hexdigest()[:12]

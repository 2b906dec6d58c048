"""Language identification: a document in any language is named and warned about; English is not."""

from __future__ import annotations

from pathlib import Path

import pytest

from tenderlint.language import guess_language, language_name, language_warning
from tenderlint.parsers import parse

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"

# Short tender clauses we wrote in each language (data protection and an audit right).
TEXTS = {
    "pl": ("Polish", "Wykonawca zapewni ochronę danych osobowych przez cały okres trwania umowy. "
                     "Zamawiający ma prawo do audytu systemu sztucznej inteligencji raz w roku, "
                     "a wykonawca przekaże wszystkie wymagane dokumenty w terminie czternastu dni."),
    "el": ("Greek", "Ο ανάδοχος οφείλει να προστατεύει τα προσωπικά δεδομένα καθ' όλη τη διάρκεια της σύμβασης. "
                    "Η αναθέτουσα αρχή έχει το δικαίωμα να ελέγχει το σύστημα τεχνητής νοημοσύνης μία φορά τον χρόνο."),
    "sv": ("Swedish", "Leverantören ska skydda personuppgifter under hela avtalstiden. Den upphandlande myndigheten "
                      "har rätt att granska systemet för artificiell intelligens en gång om året, och leverantören "
                      "ska lämna alla handlingar inom fjorton dagar."),
    "it": ("Italian", "Il fornitore deve proteggere i dati personali per tutta la durata del contratto. "
                      "L'amministrazione aggiudicatrice ha il diritto di verificare il sistema di intelligenza "
                      "artificiale una volta all'anno, e il fornitore consegnerà tutti i documenti richiesti "
                      "entro quattordici giorni."),
    "pt": ("Portuguese", "O fornecedor deve proteger os dados pessoais durante toda a vigência do contrato. "
                         "A entidade adjudicante tem o direito de auditar o sistema de inteligência artificial "
                         "uma vez por ano, e o fornecedor entregará todos os documentos exigidos no prazo de "
                         "catorze dias."),
    "de": ("German", "Der Auftragnehmer muss personenbezogene Daten während der gesamten Vertragslaufzeit schützen. "
                     "Der Auftraggeber hat das Recht, das System der künstlichen Intelligenz einmal im Jahr zu "
                     "prüfen, und der Auftragnehmer übergibt alle verlangten Unterlagen innerhalb von vierzehn Tagen."),
    "fr": ("French", "Le titulaire doit protéger les données personnelles pendant toute la durée du marché. "
                     "L'acheteur a le droit de contrôler le système d'intelligence artificielle une fois par an, "
                     "et le titulaire remettra tous les documents demandés dans un délai de quatorze jours."),
    "es": ("Spanish", "El contratista debe proteger los datos personales durante toda la vigencia del contrato. "
                      "El órgano de contratación tiene derecho a auditar el sistema de inteligencia artificial "
                      "una vez al año, y el contratista entregará todos los documentos exigidos en un plazo de "
                      "catorce días."),
}


@pytest.mark.parametrize("code", sorted(TEXTS))
def test_language_short_text_is_named_and_warned(code: str, tmp_path: Path):
    name, text = TEXTS[code]
    path = tmp_path / f"clause-{code}.txt"
    path.write_text(text + "\n", encoding="utf-8")
    document = parse(path)
    assert document.language == code
    assert f"language: document looks {name} ({code}); the rules are written for English" in document.warnings


@pytest.mark.parametrize("code", sorted(TEXTS))
def test_language_guess_is_confident_for_each_text(code: str):
    guessed, confidence = guess_language(TEXTS[code][1])
    assert guessed == code and confidence >= 0.3
    assert language_warning(guessed, confidence) is not None


@pytest.mark.parametrize("name", ["draft-rfp-ai-assistant.docx", "vendor-contract-ai-saas.md",
                                  "draft-rfp-ai-assistant.pdf"])
def test_language_english_examples_carry_no_warning(name: str):
    document = parse(EXAMPLES / name)
    assert document.language == "en"
    assert not any(warning.startswith("language:") for warning in document.warnings)


def test_language_english_without_function_word_shortcut_is_still_english():
    # Headings and terse requirement lines have few function words, so lingua is asked.
    text = "Requirements. Data protection. Incident response. Audit rights. Model documentation. Termination."
    assert guess_language(text)[0] == "en"


@pytest.mark.parametrize(("code", "name"), [("pt", "Portuguese"), ("el", "Greek"), ("nb", "Norwegian Bokmål"),
                                            ("xx", "xx"), (None, "unknown")])
def test_language_name(code, name):
    assert language_name(code) == name

from rag.answer.followup import (
    PriorTurn,
    contextualise,
    is_follow_up,
    names_topic,
    referenced_number,
    referenced_year,
    topic_of,
)
from rag.answer.references import make_reference
from rag.conversation import renumber
from rag.types import Answer, Citation, DocumentInfo

FIRST = PriorTurn(
    question="Is calcinosis cutis an indication for surgical excision?",
    retrieval_query="Is calcinosis cutis an indication for surgical excision?",
    standalone=True,
    cited_titles=("Surgical management of calcinosis cutis",),
)


def test_elliptical_follow_ups_are_expanded_with_the_topic() -> None:
    for q in [
        "and in systemic sclerosis?",
        "what about in children?",
        "and the risks?",
        "is it safe in pregnancy?",
        "what did they find about recurrence?",
        "Are there any others?",
        "how many patients had a complete response?",  # "had" and "many" name nothing
    ]:
        ctx = contextualise(q, [FIRST])
        assert ctx.follow_up, q
        assert ctx.retrieval_query.startswith(q)
        assert "calcinosis" in ctx.retrieval_query and "cutis" in ctx.retrieval_query


def test_a_follow_up_typed_without_a_question_mark_stays_a_question_of_its_own() -> None:
    """ "what about pain" (no "?") must not run into the earlier question: the answer types read the
    questions of ``asked`` apart by their question marks."""
    ctx = contextualise("what about pain", [FIRST])
    assert ctx.asked == f"what about pain? {FIRST.question}"
    assert contextualise("Tell me more about [1].", [FIRST]).asked.startswith("Tell me more about [1]? ")


def test_self_contained_question_is_a_topic_shift() -> None:
    q = "What complications are related to deep venous thrombosis prophylaxis in trauma patients?"
    assert not is_follow_up(q)
    ctx = contextualise(q, [FIRST])
    assert not ctx.follow_up and ctx.retrieval_query == q
    assert not contextualise("and the risks?", []).follow_up  # nothing to follow


def test_topic_comes_from_turns_since_the_last_shift() -> None:
    shift = PriorTurn("Does heparin cause thrombocytopenia in trauma patients?", "x", True)
    follow = PriorTurn("and bleeding?", "y", False)
    ctx = contextualise("what about children?", [FIRST, shift, follow])
    assert "heparin" in ctx.retrieval_query and "bleeding" in ctx.retrieval_query
    assert "calcinosis" not in ctx.retrieval_query


def test_asked_holds_the_askers_questions_since_the_shift_and_no_title_words() -> None:
    """What a follow-up's caveats check: the questions themselves, not the cited titles that the
    retrieval query borrows ("paediatric" here)."""
    first = PriorTurn("How is venous air embolism treated?", "x", True, ("Paediatric air embolism",))
    risks = contextualise("what are the risks?", [first])
    assert "paediatric" in risks.retrieval_query
    assert risks.asked == "what are the risks? How is venous air embolism treated?"
    children = contextualise("and in children?", [FIRST, first, PriorTurn("and the risks?", "y", False)])
    assert children.asked == "and in children? and the risks? How is venous air embolism treated?"
    shift = "Does aspirin prevent stroke in atrial fibrillation?"
    assert contextualise(shift, [first]).asked == shift  # a topic shift


def test_reference_resolution_patterns() -> None:
    assert referenced_number("Tell me more about [2]") == 2
    assert referenced_number("what did reference 2 find?") == 2
    assert referenced_number("and ref. 3?") == 3
    assert referenced_number("what about children?") is None
    assert referenced_year("show the study from 2024") == 2024
    assert referenced_year("what happened in 2024 trials") is None


def _answer(docs: list[str]) -> Answer:
    refs = [make_reference(i + 1, DocumentInfo(d, d, year=2020)) for i, d in enumerate(docs)]
    cits = [
        Citation(n=i + 1, doc_id=d, passage_id=f"{d}#0", page=None, quote="q", score=1.0)
        for i, d in enumerate(docs)
    ]
    text = " ".join(f"S{i} [{i + 1}]." for i in range(len(docs)))
    return Answer(
        question="q",
        answer=text,
        citations=cits,
        references=refs,
        insufficient_evidence=False,
        disclaimer="d",
    )


def test_renumber_keeps_earlier_numbers_and_continues() -> None:
    registry = {"a": (1, 2020), "b": (2, 2020)}
    answer, new = renumber(_answer(["c", "b", "d"]), registry)
    assert answer.answer == "S0 [3]. S1 [2]. S2 [4]."
    assert [r.n for r in answer.references] == [2, 3, 4]
    assert {r.doc_id: r.n for r in answer.references} == {"b": 2, "c": 3, "d": 4}
    assert new == {"c": (3, 2020), "d": (4, 2020)}
    assert [c.n for c in answer.citations] == [3, 2, 4]


def test_asking_about_a_reference_is_not_carried_into_the_next_query() -> None:
    tell = PriorTurn(
        question="Tell me more about [1]",
        retrieval_query="Tell me more about [1] calcinosis cutis surgical excision",
        standalone=False,
        cited_titles=("Surgical management of calcinosis cutis",),
    )
    ctx = contextualise("what are the risks?", [FIRST, tell])
    assert ctx.follow_up and "calcinosis" in ctx.retrieval_query
    # only the question and the topic: nothing of how the earlier turn asked ("tell me more"), nor, as
    # this one asks something of its own (the risks), what the earlier ones asked ("an indication")
    topic = "calcinosis cutis surgical excision"
    assert ctx.retrieval_query == f"what are the risks? {topic}"


def test_renumber_maps_bottom_line_and_findings() -> None:
    from rag.types import Finding

    base = _answer(["b", "c"])  # b keeps [2]; c is new: [3]
    cit = base.citations[1]
    answer = base.model_copy(
        update={
            "bottom_line": "A 2020 study [1] found: «S0»",
            "findings": [
                Finding(
                    n=2,
                    design="study",
                    year=2020,
                    quote="S1",
                    citation=cit,
                    text="A 2020 study [2] found: «S1»",
                )
            ],
        }
    )
    out, _ = renumber(answer, {"a": (1, 2020), "b": (2, 2020)})
    assert out.bottom_line == "A 2020 study [2] found: «S0»"
    assert out.findings[0].n == 3 and out.findings[0].citation.n == 3
    assert out.findings[0].text == "A 2020 study [3] found: «S1»"


def test_the_topic_of_a_question_leaves_out_how_and_of_whom_it_asks() -> None:
    """ "Should children with undescended testis have ultrasonography?": its topic is what a later
    "how accurate was it?" asks about; "have" and "children" are not."""
    assert topic_of("Should children with undescended testis have ultrasonography?") == (
        "undescended testis ultrasonography"
    )
    assert topic_of("What are the risk factors for air embolism in children?") == "air embolism"


def test_a_question_that_names_nothing_to_search_for() -> None:
    """How, or of whom, something is asked is not what it is about; any other content word is."""
    for q in [
        "Is it safe?",
        "does it work?",
        "and in children?",
        "is it safe in pregnancy?",
        "and for preterm infants?",
        "Is it fatal?",
        "What are the side effects?",
        "Tell me more",
        "How is it treated?",
        "what are the risk factors?",
        "how often?",
    ]:
        assert not names_topic(q), q
    for q in [
        "heparin",
        "Is surgery safe?",
        "is pregnancy a risk factor for thrombosis?",
        "What are the outcomes of preterm birth?",
        "Is air embolism fatal?",
        "What is the survival of preterm infants?",
        "gluten tolerance?",
        "What is the mortality?",
    ]:
        assert names_topic(q), q


def test_a_follow_up_asking_its_own_kind_of_question_does_not_search_for_the_earlier_kind() -> None:
    factors = PriorTurn(
        question="What are the risk factors for systemic air embolism after CT-guided lung biopsy?",
        retrieval_query="What are the risk factors for systemic air embolism after CT-guided lung biopsy?",
        standalone=True,
        cited_titles=("Risk factors of systemic air embolism after percutaneous CT-guided lung biopsy",),
    )
    treated = contextualise("and how is it treated?", [factors]).retrieval_query
    assert treated == "and how is it treated? systemic air embolism after ct-guided lung biopsy percutaneous"
    # a follow-up naming a new subject only, or of whom it asks, asks what the earlier question asked
    complications = PriorTurn(
        question="What complications are related to DVT prophylaxis in trauma patients?",
        retrieval_query="What complications are related to DVT prophylaxis in trauma patients?",
        standalone=True,
    )
    filters = contextualise("what about IVC filters?", [complications]).retrieval_query
    assert filters == "what about IVC filters? complications related dvt prophylaxis trauma"
    safe = PriorTurn("Is hook wire localization safe?", "Is hook wire localization safe?", True)
    assert (
        contextualise("and in children?", [safe]).retrieval_query
        == "and in children? hook wire localization safe"
    )


def test_a_question_naming_only_the_previous_turns_subject_continues_it() -> None:
    """ "how often does air embolism happen?" names four content words, but beyond how it asks only
    "air embolism", which the previous answer's source is titled with: it asks how often it happens
    after a lung biopsy, and is retrieved with the conversation's words (demo corpus: alone, it was
    refused). A question naming something new is still a topic shift."""
    biopsy = PriorTurn(
        "What are the complications of CT-guided lung biopsy?",
        "What are the complications of CT-guided lung biopsy?",
        True,
        ("Risk factors for systemic air embolism as a complication of percutaneous CT-guided lung biopsy",),
    )
    assert not is_follow_up("how often does air embolism happen?")
    ctx = contextualise("how often does air embolism happen?", [biopsy])
    assert ctx.follow_up and "biopsy" in ctx.retrieval_query
    assert ctx.asked == f"how often does air embolism happen? {biopsy.question}"
    shift = "how often does heparin-induced thrombocytopenia happen?"
    assert not contextualise(shift, [biopsy]).follow_up
    assert not contextualise("how often does air embolism happen?", [FIRST]).follow_up

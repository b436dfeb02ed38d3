import re
from pathlib import Path

import pytest
from conftest import BASE, cosine_selector
from fastapi.testclient import TestClient

from api.app import create_app
from rag.config import Settings
from rag.embed.embedder import HashingEmbedder
from rag.engine import Engine


def make_client(index: Path, db: Path) -> TestClient:
    engine = Engine(index, embedder=HashingEmbedder(), selector=cosine_selector())
    return TestClient(base_url=BASE, app=create_app(Settings(index=index), engine=engine, conversations=db))


def check_numbering(turns: list[dict]) -> None:
    """A document keeps its number in every turn; new documents continue the numbering."""
    seen: dict[str, int] = {}
    for t in turns:
        for r in t["references"]:
            if r["doc_id"] in seen:
                assert seen[r["doc_id"]] == r["n"]
            else:
                assert r["n"] == len(seen) + 1
                seen[r["doc_id"]] = r["n"]
        assert {int(n) for n in re.findall(r"\[(\d+)\]", t["answer"])} == {r["n"] for r in t["references"]}


def test_three_turns_shift_reference_resolution_restart_delete(fake_index: Path, tmp_path: Path) -> None:
    db = tmp_path / "conv.sqlite"
    with make_client(fake_index, db) as c:
        r = c.post("/v1/conversations")
        assert r.status_code == 201
        cid = r.json()["id"]
        t1 = c.post(
            f"/v1/conversations/{cid}/ask",
            json={"question": "Is hyperbaric oxygen therapy used for arterial air embolism?"},
        ).json()
        assert t1["turn"] == 1 and t1["follow_up_of"] is None
        t2 = c.post(f"/v1/conversations/{cid}/ask", json={"question": "and what about the outcomes?"}).json()
        assert t2["turn"] == 2 and t2["follow_up_of"] == 1
        assert "embolism" in t2["retrieval_query"] and t2["retrieval_query"].startswith(
            "and what about the outcomes?"
        )
        t3 = c.post(
            f"/v1/conversations/{cid}/ask",
            json={"question": "Can adult celiac disease patients develop tolerance to gluten?"},
        ).json()
        assert t3["follow_up_of"] is None  # topic shift
        assert t3["retrieval_query"] == "Can adult celiac disease patients develop tolerance to gluten?"
        check_numbering([t1, t2, t3])
        target = t1["references"][1] if len(t1["references"]) > 1 else t1["references"][0]
        t4 = c.post(
            f"/v1/conversations/{cid}/ask", json={"question": f"Tell me more about [{target['n']}]"}
        ).json()
        assert t4["resolved_reference"] == target["n"]
        assert {r["doc_id"] for r in t4["references"]} == {target["doc_id"]}
        assert all(ref["n"] == target["n"] for ref in t4["references"])
        check_numbering([t1, t2, t3, t4])

    with make_client(fake_index, db) as c:  # a restarted server still has the conversation
        conv = c.get(f"/v1/conversations/{cid}").json()
        assert [t["turn"] for t in conv["turns"]] == [1, 2, 3, 4]
        assert conv["turns"][1]["answer"] == t2["answer"]
        assert c.delete(f"/v1/conversations/{cid}").status_code == 204
        assert c.get(f"/v1/conversations/{cid}").status_code == 404
        assert c.delete(f"/v1/conversations/{cid}").status_code == 404


def test_unknown_conversation_and_bad_bodies(fake_index: Path, tmp_path: Path) -> None:
    with make_client(fake_index, tmp_path / "c.sqlite") as c:
        r = c.post("/v1/conversations/nope/ask", json={"question": "anything"})
        assert r.status_code == 404 and r.json()["error"] == "ConversationNotFound"
        assert c.get("/v1/conversations/nope").status_code == 404
        cid = c.post("/v1/conversations").json()["id"]
        for body in (
            {},
            {"question": ""},
            {"question": "  "},
            {"question": "x" * 1001},
            {"question": "ok", "x": 1},
        ):
            r = c.post(f"/v1/conversations/{cid}/ask", json=body)
            assert r.status_code == 422, body
            assert r.json()["error"] == "InvalidInput"


def test_conversations_expire(fake_index: Path, tmp_path: Path) -> None:
    from rag.conversation import ConversationNotFound, ConversationStore

    store = ConversationStore(tmp_path / "c.sqlite", ttl_seconds=-1)  # everything is already expired
    cid = store.create()
    with pytest.raises(ConversationNotFound):
        store.turns(cid)


def test_concurrent_turns_of_one_conversation_are_serialised(fake_index: Path, tmp_path: Path) -> None:
    from concurrent.futures import ThreadPoolExecutor

    with make_client(fake_index, tmp_path / "c.sqlite") as c:
        cid = c.post("/v1/conversations").json()["id"]
        questions = [
            "Is hyperbaric oxygen used for air embolism?",
            "and the outcomes of recompression?",  # each names a topic: any of them may come first
            "what about children with gas embolism?",
        ]
        with ThreadPoolExecutor(3) as pool:
            codes = list(
                pool.map(
                    lambda q: c.post(f"/v1/conversations/{cid}/ask", json={"question": q}).status_code,
                    questions,
                )
            )
        assert codes == [200, 200, 200]
        assert sorted(t["turn"] for t in c.get(f"/v1/conversations/{cid}").json()["turns"]) == [1, 2, 3]


def test_unknown_conversation_ids_cost_no_memory(fake_index: Path, tmp_path: Path) -> None:
    """Issue 12, fault 2: a lock per unknown id was made (and kept) before the existence check."""
    import secrets

    with make_client(fake_index, tmp_path / "conv.sqlite") as c:
        store = c.app.state.conversations  # type: ignore[attr-defined]
        for cid in [secrets.token_urlsafe(12) for _ in range(50)] + ["x" * 300, "not-an-id"]:
            r = c.post(f"/v1/conversations/{cid}/ask", json={"question": "anything?"})
            assert r.status_code == 404 and r.json()["error"] == "ConversationNotFound"
        cid = c.post("/v1/conversations").json()["id"]
        assert c.post(f"/v1/conversations/{cid}/ask", json={"question": "air embolism?"}).status_code == 200
        assert store._turn_locks == {}  # a real turn's lock goes when the turn ends


def test_conversations_are_private_by_default(fake_index: Path, tmp_path: Path) -> None:
    """Issue 12, fault 11: 168 h in the served index folder, world-readable, usable by any id holder."""
    import stat

    settings = Settings(index=fake_index)
    path = settings.conversations_path()
    assert settings.conversation_ttl_hours == 24 and fake_index not in path.parents
    engine = Engine(fake_index, embedder=HashingEmbedder(), selector=cosine_selector())
    with TestClient(base_url=BASE, app=create_app(settings, engine=engine)) as c:
        alice = {"X-User": "alice"}
        cid = c.post("/v1/conversations", headers=alice).json()["id"]
        assert (
            c.post(
                f"/v1/conversations/{cid}/ask", json={"question": "air embolism?"}, headers=alice
            ).status_code
            == 200
        )
        for headers in ({"X-User": "bob"}, {}):  # another user, or nobody, cannot read or delete it
            assert c.get(f"/v1/conversations/{cid}", headers=headers).status_code == 404
            assert c.delete(f"/v1/conversations/{cid}", headers=headers).status_code == 404
        assert c.get(f"/v1/conversations/{cid}", headers=alice).json()["turns"][0]["turn"] == 1
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_ttl_zero_writes_nothing_and_purge(fake_index: Path, tmp_path: Path) -> None:
    from rag.conversation import ConversationStore

    memory = ConversationStore(tmp_path / "never.sqlite", ttl_seconds=0)
    cid = memory.create()
    assert memory.info(cid)["id"] == cid and not (tmp_path / "never.sqlite").exists()
    store = ConversationStore(tmp_path / "c.sqlite", ttl_seconds=3600)
    kept = store.create()
    assert store.purge() == 0 and store.info(kept)["id"] == kept
    assert store.purge(everything=True) == 1


def _borrowed(first: dict, second: dict) -> tuple[set[str], set[str]]:
    """The words the follow-up's query took from neither question, and the words of the first turn's
    reference titles."""
    asked = set(re.findall(r"[a-z]+", (first["question"] + " " + second["question"]).lower()))
    borrowed = set(re.findall(r"[a-z]+", second["retrieval_query"].lower())) - asked
    titles = {w for r in first["references"] for w in re.findall(r"[a-z]+", r["title"].lower())}
    return borrowed, titles


def test_a_refusals_closest_source_does_not_steer_the_follow_up(fake_index: Path, tmp_path: Path) -> None:
    """ "and in systemic sclerosis?" after a refused question was answered from the closest source the
    refusal named, whose title words the follow-up had borrowed; an answered turn's titles still count."""
    question = {"question": "Is hyperbaric oxygen useful?"}
    refusing = Engine(fake_index, embedder=HashingEmbedder(), selector=cosine_selector(threshold=0.99))
    app = create_app(Settings(index=fake_index), engine=refusing, conversations=tmp_path / "a.sqlite")
    with TestClient(base_url=BASE, app=app) as c:
        cid = c.post("/v1/conversations").json()["id"]
        t1 = c.post(f"/v1/conversations/{cid}/ask", json=question).json()
        assert t1["insufficient_evidence"] and t1["references"]  # the closest source is named
        t2 = c.post(f"/v1/conversations/{cid}/ask", json={"question": "and in children?"}).json()
        borrowed, titles = _borrowed(t1, t2)
        assert t2["follow_up_of"] == 1 and titles and not borrowed & titles
    with make_client(fake_index, tmp_path / "b.sqlite") as c:  # answered: its cited titles count
        cid = c.post("/v1/conversations").json()["id"]
        t1 = c.post(f"/v1/conversations/{cid}/ask", json=question).json()
        assert not t1["insufficient_evidence"]
        t2 = c.post(f"/v1/conversations/{cid}/ask", json={"question": "and in children?"}).json()
        borrowed, titles = _borrowed(t1, t2)
        assert borrowed & titles


def test_a_question_without_a_topic_is_a_clear_422_unless_a_conversation_gives_it_one(
    fake_index: Path, tmp_path: Path
) -> None:
    """ "Is it safe?" asked on its own was answered from whatever study says "safe"; it names nothing
    to search for. As a follow-up, the conversation's topic is searched with it."""
    with make_client(fake_index, tmp_path / "conv.sqlite") as c:
        r = c.post("/v1/ask", json={"question": "Is it safe?"})
        assert r.status_code == 422 and r.json()["error"] == "InvalidInput"
        assert "names nothing to search for" in r.json()["detail"]
        cid = c.post("/v1/conversations").json()["id"]
        r = c.post(f"/v1/conversations/{cid}/ask", json={"question": "Is it safe?"})
        assert r.status_code == 422 and c.get(f"/v1/conversations/{cid}").json()["turns"] == []
        topic = {"question": "Is hyperbaric oxygen therapy used for arterial air embolism?"}
        assert c.post(f"/v1/conversations/{cid}/ask", json=topic).status_code == 200
        r = c.post(f"/v1/conversations/{cid}/ask", json={"question": "Is it safe?"})
        assert r.status_code == 200 and r.json()["follow_up_of"] == 1
        assert "embolism" in r.json()["retrieval_query"]

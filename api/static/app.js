"use strict";
// The clinician page: a conversation of cited answers with stable reference numbers.

const $ = (id) => document.getElementById(id);
const STORAGE_KEY = "rag-conversation";
let conversationId = sessionStorage.getItem(STORAGE_KEY);

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (key === "className") node.className = value;
    else node.setAttribute(key, value);
  }
  for (const child of children) node.append(child);
  return node;
}

// "text [1][2]." -> text nodes and links to this turn's reference entries (no innerHTML).
function renderMarked(container, text, turn) {
  container.replaceChildren();
  for (const part of text.split(/(\[\d+\])/)) {
    const m = part.match(/^\[(\d+)\]$/);
    if (m) {
      container.append(el("a", { href: `#t${turn}-ref-${m[1]}`, className: "cite", "data-n": m[1],
        "aria-label": `reference ${m[1]}` }, `[${m[1]}]`));
    } else if (part) {
      container.append(document.createTextNode(part));
    }
  }
}

function renderTurn(data) {
  const node = $("turn-template").content.firstElementChild.cloneNode(true);
  const t = data.turn;
  node.id = `turn-${t}`;
  node.dataset.turn = String(t);
  node.querySelector(".turn-question").textContent = data.question;
  if (data.follow_up_of) {
    const searched = node.querySelector(".searched");
    searched.hidden = false;
    searched.textContent = data.resolved_reference
      ? `Answered from reference [${data.resolved_reference}].`
      : `Follow-up of the previous question; searched for: “${data.retrieval_query}”`;
  }
  // The reference page's shape: bottom line, one bullet per further study, references, disclaimer.
  const answer = node.querySelector(".answer");
  renderMarked(answer, data.bottom_line || data.answer, t);
  const first = data.bottom_line && data.citations.find((c) => c.n === 1 && c.page);
  if (first) answer.append(` (p. ${first.page})`);
  answer.classList.toggle("insufficient", data.insufficient_evidence);
  const findings = node.querySelector(".findings");
  for (const f of data.findings || []) {
    const item = el("li", { id: `t${t}-finding-${f.n}-${findings.children.length}` });
    renderMarked(item, f.text, t);
    if (f.citation.page) item.append(` (p. ${f.citation.page})`);
    findings.append(item);
  }
  node.querySelector(".findings-title").hidden = findings.children.length === 0;
  const caveat = node.querySelector(".caveat");
  caveat.textContent = (data.caveats || []).join(" ");
  caveat.hidden = !caveat.textContent;
  node.querySelector(".turn-disclaimer").textContent = data.disclaimer || "";
  const refs = node.querySelector(".references");
  for (const r of data.references) {
    const item = el("li", { id: `t${t}-ref-${r.n}`, value: String(r.n), tabindex: "-1", "data-n": String(r.n) },
      r.formatted + " ");
    if (r.evidence_level && r.evidence_level !== "other") {
      item.append(el("span", { className: "badge", title: "evidence level" }, r.evidence_level), " ");
    }
    if (r.pmid) item.append(el("a", { href: `https://pubmed.ncbi.nlm.nih.gov/${r.pmid}/`, rel: "noopener" }, `PMID ${r.pmid}`), " ");
    if (r.doi) item.append(el("a", { href: `https://doi.org/${r.doi}`, rel: "noopener" }, `doi:${r.doi}`));
    refs.append(item);
  }
  $("thread").append(node);
  $("followup-form").hidden = false;
  return node;
}

async function api(method, path, body) {
  const response = await fetch(path, {
    method,
    headers: body ? { "content-type": "application/json" } : {},
    body: body ? JSON.stringify(body) : undefined,
  });
  if (response.status === 204) return null;
  const data = await response.json();
  if (!response.ok) {
    const detail = Array.isArray(data.detail) ? data.detail.map((d) => d.msg).join("; ") : data.detail;
    const error = new Error(detail || `HTTP ${response.status}`);
    error.status = response.status;
    throw error;
  }
  return data;
}

function busy(on) {
  $("status").textContent = on ? "Searching the literature…" : "";
  $("thread").setAttribute("aria-busy", on ? "true" : "false");
  for (const id of ["ask-button", "followup-button"]) $(id).disabled = on;
}

function showError(message) {
  $("error").hidden = !message;
  $("error").textContent = message ? `Could not answer: ${message}` : "";
}

async function ask(question, { fresh }) {
  busy(true);
  showError("");
  try {
    if (fresh || !conversationId) {
      conversationId = (await api("POST", "/v1/conversations")).id;
      sessionStorage.setItem(STORAGE_KEY, conversationId);
      $("thread").replaceChildren();
    }
    let data;
    try {
      data = await api("POST", `/v1/conversations/${conversationId}/ask`, { question });
    } catch (err) {
      if (err.status !== 404) throw err;
      conversationId = (await api("POST", "/v1/conversations")).id;  // expired: start again
      sessionStorage.setItem(STORAGE_KEY, conversationId);
      $("thread").replaceChildren();
      data = await api("POST", `/v1/conversations/${conversationId}/ask`, { question });
    }
    const node = renderTurn(data);
    node.querySelector(".turn-question").focus();
    return true;
  } catch (err) {
    showError(err.message);
    return false;
  } finally {
    busy(false);
  }
}

$("ask-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const question = $("question").value.trim();
  if (question && (await ask(question, { fresh: true }))) $("followup").focus();
});

$("followup-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const question = $("followup").value.trim();
  if (question && (await ask(question, { fresh: false }))) {
    $("followup").value = "";
    $("followup").focus();
  }
});

// A citation marker highlights and focuses its reference entry.
document.addEventListener("click", (event) => {
  const link = event.target.closest("a.cite");
  if (!link) return;
  const target = document.querySelector(link.getAttribute("href"));
  if (!target) return;
  event.preventDefault();
  document.querySelectorAll(".references li.active").forEach((li) => li.classList.remove("active"));
  target.classList.add("active");
  target.scrollIntoView({ block: "center" });
  target.focus({ preventScroll: true });
  history.replaceState(null, "", link.getAttribute("href"));
});

// Restore the conversation of this tab after a reload.
(async () => {
  if (!conversationId) return;
  try {
    const conv = await api("GET", `/v1/conversations/${conversationId}`);
    conv.turns.forEach(renderTurn);
  } catch {
    sessionStorage.removeItem(STORAGE_KEY);
    conversationId = null;
  }
})();

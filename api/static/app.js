"use strict";
// The first web page: ask a question, show the cited answer, its evidence and references.

const $ = (id) => document.getElementById(id);

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (key === "className") node.className = value;
    else node.setAttribute(key, value);
  }
  for (const child of children) node.append(child);
  return node;
}

// Turn "text [1][2]." into text nodes and links to #ref-1, #ref-2 (no innerHTML: no injection).
function renderAnswer(container, text) {
  container.replaceChildren();
  const parts = text.split(/(\[\d+\])/);
  for (const part of parts) {
    const m = part.match(/^\[(\d+)\]$/);
    if (m) {
      container.append(el("a", { href: `#ref-${m[1]}`, className: "cite", "data-n": m[1] }, `[${m[1]}]`));
    } else if (part) {
      container.append(document.createTextNode(part));
    }
  }
}

function render(data) {
  renderAnswer($("answer"), data.answer);
  $("answer").classList.toggle("insufficient", data.insufficient_evidence);
  const evidence = $("evidence");
  evidence.replaceChildren();
  for (const c of data.citations) {
    const page = c.page ? ` (p. ${c.page})` : "";
    evidence.append(el("li", { id: `ev-${c.n}-${c.passage_id}` },
      el("a", { href: `#ref-${c.n}`, className: "cite" }, `[${c.n}]`), ` “${c.quote}”${page}`));
  }
  const refs = $("references");
  refs.replaceChildren();
  for (const r of data.references) {
    const item = el("li", { id: `ref-${r.n}`, value: String(r.n), tabindex: "-1" }, r.formatted + " ");
    if (r.pmid) item.append(el("a", { href: `https://pubmed.ncbi.nlm.nih.gov/${r.pmid}/`, rel: "noopener" }, `PMID ${r.pmid}`), " ");
    if (r.doi) item.append(el("a", { href: `https://doi.org/${r.doi}`, rel: "noopener" }, `doi:${r.doi}`));
    refs.append(item);
  }
  $("disclaimer").textContent = data.disclaimer;
  $("result").hidden = false;
}

async function ask(question) {
  $("status").textContent = "Searching the literature…";
  $("ask-button").disabled = true;
  try {
    const response = await fetch("/v1/ask", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ question }),
    });
    const data = await response.json();
    if (!response.ok) {
      const detail = Array.isArray(data.detail) ? data.detail.map((d) => d.msg).join("; ") : data.detail;
      throw new Error(detail || `HTTP ${response.status}`);
    }
    render(data);
    $("status").textContent = "";
  } catch (err) {
    $("status").textContent = `Could not answer: ${err.message}`;
  } finally {
    $("ask-button").disabled = false;
  }
}

$("ask-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const question = $("question").value.trim();
  if (question) ask(question);
});

// Clicking a citation marker highlights and focuses its reference.
document.addEventListener("click", (event) => {
  const link = event.target.closest("a.cite");
  if (!link) return;
  const target = document.querySelector(link.getAttribute("href"));
  if (!target) return;
  document.querySelectorAll(".references li.active").forEach((li) => li.classList.remove("active"));
  target.classList.add("active");
  target.focus({ preventScroll: true });
});

// The ragagent chat page: streamed answers (POST /v1/ask, server-sent events), citation chips that open the
// cited passage with the quoted span highlighted, PAL programs and ReAct steps, uploads with progress.
// Plain JavaScript, no dependencies; every model or document text is inserted as text, never as HTML.
"use strict";

const $ = (id) => document.getElementById(id);
const TOKEN_KEY = "ragagent-token";

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = String(text);
  return node;
}

function plural(n, word) {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

function banner(text, isError) {
  const b = $("banner");
  b.textContent = text || "";
  b.className = isError ? "error" : "";
  b.hidden = !text;
}

function errorText(body, status) {
  const err = body && body.error ? body.error : { type: "HTTP " + status, message: "request failed" };
  const prefix = /^LLM|Provider|Credentials|ModelFile/.test(err.type) ? "The model failed: "
    : err.type === "IndexNotFoundError" ? "" : err.type + ": ";
  return prefix + err.message;
}

async function refreshInfo() {
  try {
    const info = await (await fetch("/v1/info")).json();
    $("index-info").textContent = info.empty ? "empty index"
      : `${plural(info.documents, "document")} · ${plural(info.chunks, "chunk")} · model ${info.llm}`;
    $("token").hidden = !info.write_token_required;
    if (info.empty) banner("The index is empty: upload a document to start (txt, md, html, pdf, jsonl).");
    return info;
  } catch (e) {
    banner("The server cannot be reached: " + e, true);
    return null;
  }
}

// ---- uploads -------------------------------------------------------------------------------------------

function upload(files) {
  const form = new FormData();
  for (const f of files) form.append("files", f, f.name);
  const xhr = new XMLHttpRequest();
  const bar = $("upload-progress");
  xhr.open("POST", "/v1/documents");
  const token = $("token").value || localStorage.getItem(TOKEN_KEY);
  if (token) xhr.setRequestHeader("Authorization", "Bearer " + token);
  bar.hidden = false;
  bar.value = 0;
  banner("Uploading " + [...files].map((f) => f.name).join(", ") + "…");
  xhr.upload.onprogress = (e) => { if (e.lengthComputable) bar.value = (100 * e.loaded) / e.total; };
  xhr.upload.onload = () => { bar.removeAttribute("value"); banner("Indexing…"); };
  xhr.onload = () => {
    bar.hidden = true;
    let body = null;
    try { body = JSON.parse(xhr.responseText); } catch (e) { body = null; }
    if (xhr.status === 200) {
      if ($("token").value) localStorage.setItem(TOKEN_KEY, $("token").value);
      const failed = body.failures.map((f) => `${f.source}: ${f.reason}`).join("; ");
      banner(`Indexed ${body.files.join(", ")}: ${body.chunks_added} new chunks, ${body.chunks_total} in the index.`
        + (failed ? " Failed: " + failed : ""), Boolean(failed));
      $("upload-form").dataset.done = String(Number($("upload-form").dataset.done || 0) + 1);
      refreshInfo();
    } else {
      if (xhr.status === 401) $("token").hidden = false;
      banner("Upload failed: " + errorText(body, xhr.status), true);
    }
  };
  xhr.onerror = () => { bar.hidden = true; banner("Upload failed: the server cannot be reached.", true); };
  xhr.send(form);
}

// ---- answers -------------------------------------------------------------------------------------------

async function* sseEvents(response) {
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true }).replace(/\r\n/g, "\n");
    let end;
    while ((end = buffer.indexOf("\n\n")) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let event = "message";
      const data = [];
      for (const line of block.split("\n")) {
        if (line.startsWith("event:")) event = line.slice(6).trim();
        else if (line.startsWith("data:")) data.push(line.slice(5).replace(/^ /, ""));
      }
      if (data.length) yield { event, data: JSON.parse(data.join("\n")) };
    }
  }
}

function addMessage(role, text) {
  const box = el("div", "message " + role);
  box.appendChild(el("div", "text", text));
  $("conversation").appendChild(box);
  box.scrollIntoView({ block: "end" });
  return box;
}

function traceBox(box) {
  let trace = box.querySelector("details.trace");
  if (!trace) {
    trace = el("details", "trace");
    trace.open = true;
    trace.appendChild(el("summary", null, "steps"));
    box.appendChild(trace);
  }
  return trace;
}

function addStep(box, step) {
  const item = el("div", "step");
  if (step.thought) item.append(el("span", "label", "Thought: "), el("span", null, step.thought), el("br"));
  item.appendChild(el("span", "label", "Action: "));
  if (typeof step.args.code === "string") {
    item.append(el("span", null, step.action), el("pre", null, step.args.code));
  } else {
    const args = Object.values(step.args).map((v) => (typeof v === "string" ? v : JSON.stringify(v)));
    item.appendChild(el("span", null, `${step.action}[${args.join(", ")}]`));
  }
  if (step.error) item.append(el("br"), el("span", "label failure", "Error: "), el("span", "failure", step.error));
  if (step.observation) item.append(el("br"), el("span", "label", "Observation: "), el("span", null, step.observation));
  traceBox(box).appendChild(item);
}

function chipClass(c) {
  return "chip " + (c.verified ? "verified" : "unverified") + (c.origin === "model" ? "" : " " + c.origin);
}

function chipTitle(c) {
  const state = c.verified ? "verified" : "unverified" + (c.reason ? ": " + c.reason : "");
  if (c.origin === "corrected") return state + ` (corrected by ragagent: the model cited [${c.corrected_from}])`;
  return state + (c.origin === "attributed" ? " (attributed by ragagent)" : "");
}

function renderAnswer(box, answer) {
  const text = box.querySelector(".text");
  text.textContent = "";
  const byN = new Map(answer.citations.map((c) => [c.n, c]));
  let last = 0;
  for (const m of answer.text.matchAll(/\[(\d+)\]/g)) {
    text.appendChild(document.createTextNode(answer.text.slice(last, m.index)));
    const c = byN.get(Number(m[1]));
    const marker = el("span", c ? "marker " + chipClass(c).replace("chip ", "") : "marker", m[0]);
    if (c) marker.onclick = () => openPassage(c, answer);
    text.appendChild(marker);
    last = m.index + m[0].length;
  }
  text.appendChild(document.createTextNode(answer.text.slice(last)));
  if (answer.status === "failed" || !answer.complete) text.classList.add("failure");
  if (answer.citations.length) {
    const chips = el("div", "chips");
    for (const c of answer.citations) {
      const where = c.page === null ? c.source : `${c.source} p.${c.page}`;
      const chip = el("button", chipClass(c), `[${c.n}] ${where}`);
      chip.type = "button";
      chip.title = chipTitle(c);
      chip.dataset.n = c.n;
      chip.onclick = () => openPassage(c, answer);
      chips.appendChild(chip);
    }
    box.appendChild(chips);
  }
  if (answer.code) {  // the program is shown below: its attempts stay folded in the steps
    const trace = box.querySelector("details.trace");
    if (trace) trace.open = false;
    box.appendChild(el("div", "meta", "program (ran in the sandbox):"));
    box.appendChild(el("pre", "program", answer.code));
  }
  if (answer.steps.length && !box.querySelector("details.trace")) answer.steps.forEach((s) => addStep(box, s));
  const notes = ["mode: " + answer.mode];
  if (answer.route_reason) notes.push(answer.route_reason);
  if (answer.status !== "ok") notes.push(answer.status);
  if (answer.timings && answer.timings.total_s) notes.push(answer.timings.total_s.toFixed(1) + " s");
  box.appendChild(el("div", "meta", notes.join(" · ")));
  box.dataset.done = "true";
}

function openPassage(c, answer) {
  const hit = answer.hits.find((h) => h.chunk.id === c.chunk_id);
  const panel = $("passage");
  $("passage-title").textContent = `[${c.n}] ${c.source}`;
  const page = c.page === null ? "" : `page ${c.page}` + (hit && hit.chunk.span.page_label
    && hit.chunk.span.page_label !== String(c.page) ? ` (${hit.chunk.span.page_label})` : "") + " · ";
  $("passage-meta").textContent = page + chipTitle(c) + ` · support ${Number(c.support).toFixed(2)}`;
  const body = $("passage-text");
  body.textContent = "";
  const full = hit ? hit.chunk.text : c.quote;
  const start = hit ? c.quote_start : 0;
  const end = hit ? c.quote_end : c.quote.length;
  body.append(document.createTextNode(full.slice(0, start)), el("mark", null, full.slice(start, end)),
    document.createTextNode(full.slice(end)));
  panel.hidden = false;
  panel.dataset.chunk = c.chunk_id;
  body.querySelector("mark").scrollIntoView({ block: "center" });
}

async function ask(question, mode) {
  addMessage("user", question);
  const box = addMessage("assistant", "");
  const text = box.querySelector(".text");
  $("ask").disabled = true;
  try {
    const response = await fetch("/v1/ask", {
      method: "POST", headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ question, mode, stream: true }),
    });
    if (!response.ok) {
      let body = null;
      try { body = await response.json(); } catch (e) { body = null; }
      throw new Error(errorText(body, response.status));
    }
    for await (const { event, data } of sseEvents(response)) {
      if (event === "token") text.textContent += data.text;
      else if (event === "step") addStep(box, data);
      else if (event === "answer") renderAnswer(box, data);
      else if (event === "error") throw new Error(errorText(data, 500));
      box.scrollIntoView({ block: "end" });
    }
  } catch (e) {
    box.classList.add("error");
    text.textContent = e.message;
    box.dataset.done = "true";
  } finally {
    $("ask").disabled = false;
  }
}

$("ask-form").addEventListener("submit", (e) => {
  e.preventDefault();
  const question = $("question").value.trim();
  if (!question) return;
  $("question").value = "";
  ask(question, $("mode").value);
});
$("upload-input").addEventListener("change", (e) => {
  if (e.target.files.length) upload(e.target.files);
  e.target.value = "";
});
$("passage-close").addEventListener("click", () => { $("passage").hidden = true; });
$("token").value = localStorage.getItem(TOKEN_KEY) || "";
refreshInfo();

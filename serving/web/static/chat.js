// The applicant chat (run by gr.HTML's js_on_load: `element` is the component, `server` its Python functions).
// It streams answers from POST /api/ask/stream (Server-Sent Events) and reopens history from /api/conversations.
// Every text from the server is put in the page with textContent or as a text node; links are http(s) only.
(function () {
  const root = element.querySelector(".koubo-chat");
  if (!root || root.dataset.ready) return;
  root.dataset.ready = "1";
  const log = root.querySelector(".koubo-log");
  const landing = root.querySelector(".koubo-landing");
  const input = root.querySelector("textarea.koubo-input");
  const form = root.querySelector("form.koubo-composer");
  const sendBtn = root.querySelector(".koubo-send");
  const stopBtn = root.querySelector(".koubo-stop");
  const newBtn = root.querySelector(".koubo-new");
  const historyBox = root.querySelector(".koubo-history");
  const historyList = root.querySelector(".koubo-history-list");
  const STORE_KEY = "koubo-conversation";
  const HISTORY_TURNS = 10;
  const MAX_CHARS = Number(input.getAttribute("maxlength")) || 2000;

  let conversationId = null;
  let turns = []; // {question, text, el}
  let controller = null;
  let lastNotice = null;
  let seq = 0;

  // --- small DOM helpers ----------------------------------------------------------------------------------------
  function el(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = text;
    return e;
  }
  function button(cls, label, aria) {
    const b = el("button", cls, label);
    b.type = "button";
    if (aria) b.setAttribute("aria-label", aria);
    return b;
  }
  const TOKEN = /\[(\d{1,3})\]|\*\*([^*\n]{1,200})\*\*|https?:\/\/[^\s<>"'「」『』（）()、。]+/g;
  function safeUrl(u) {
    try {
      const url = new URL(u);
      return url.protocol === "http:" || url.protocol === "https:" ? url.href : null;
    } catch (e) {
      return null;
    }
  }
  function link(url, label) {
    const a = el("a", "koubo-link", label || url);
    a.href = url;
    a.target = "_blank";
    a.rel = "noopener noreferrer";
    return a;
  }
  // text → nodes: [n] becomes a button that opens source n, **x** bold, http(s) URLs links; the rest text.
  function richText(parent, text, withRefs) {
    let pos = 0;
    text.replace(TOKEN, (m, n, bold, off) => {
      if (off > pos) parent.appendChild(document.createTextNode(text.slice(pos, off)));
      if (n && withRefs) {
        const b = button("koubo-ref", "[" + n + "]", "出典" + n + "を開く");
        b.dataset.ref = n;
        parent.appendChild(b);
      } else if (bold) {
        parent.appendChild(el("strong", null, bold));
      } else if (!n && safeUrl(m)) {
        parent.appendChild(link(safeUrl(m)));
      } else {
        parent.appendChild(document.createTextNode(m));
      }
      pos = off + m.length;
      return m;
    });
    if (pos < text.length) parent.appendChild(document.createTextNode(text.slice(pos)));
  }
  function markers(ms) {
    return ms.map((m) => "[" + m + "]").join("");
  }

  // --- layout: the chat fills the rest of the screen; the log scrolls, the input stays in view --------------------
  function fit() {
    const top = root.getBoundingClientRect().top + window.scrollY;
    const h = Math.max(360, window.innerHeight - top - 8) + "px";
    if (root.style.height !== h) root.style.height = h;
  }
  window.addEventListener("resize", fit);
  // The banner and header above may change size after load (fonts, the banner's load event): follow them.
  if (window.ResizeObserver) new ResizeObserver(fit).observe(document.body);
  setTimeout(fit, 0);

  // --- messages ---------------------------------------------------------------------------------------------------
  function showLanding(show) {
    landing.hidden = !show;
  }
  function scrollToTurn(turnEl) {
    log.scrollTop = Math.max(0, turnEl.offsetTop - log.offsetTop - 8);
  }
  function newTurn(question) {
    showLanding(false);
    const t = el("div", "koubo-turn");
    t.dataset.key = String(++seq);
    const user = el("div", "koubo-msg koubo-user");
    user.setAttribute("role", "article");
    user.setAttribute("aria-label", "あなたの質問");
    user.appendChild(el("div", "koubo-bubble", question));
    const tools = el("div", "koubo-msg koubo-tool");
    tools.setAttribute("role", "article");
    tools.setAttribute("aria-label", "計算ツールによる確認");
    tools.hidden = true;
    const bot = el("div", "koubo-msg koubo-bot");
    bot.setAttribute("role", "article");
    bot.setAttribute("aria-label", "回答");
    const bubble = el("div", "koubo-bubble");
    const status = el("p", "koubo-status", "質問を受け付けました…");
    status.setAttribute("role", "status");
    const body = el("div", "koubo-answer-text");
    bubble.append(status, body);
    bot.appendChild(bubble);
    t.append(user, tools, bot);
    log.appendChild(t);
    return { el: t, tools, bubble, status, body, question, text: "" };
  }
  function addStep(turn, step) {
    const v = step.view || {};
    turn.tools.hidden = false;
    // Collapsed to its summary line so that the answer below stays on the first screen of a phone.
    const box = el("details", "koubo-step" + (v.ok === false ? " koubo-step-error" : ""));
    box.appendChild(el("summary", "koubo-step-summary", (v.ok === false ? "！ " : "✓ ") + (v.summary || step.name)));
    if (v.inputs && v.inputs.length) {
      const line = el("p", "koubo-step-line");
      line.appendChild(el("span", "koubo-step-key", "入力"));
      line.appendChild(document.createTextNode(v.inputs.map((i) => i.label + "：" + i.value).join("、")));
      box.appendChild(line);
    }
    (v.caveats || []).forEach((c) => {
      const line = el("p", "koubo-step-line");
      line.appendChild(el("span", "koubo-step-key", "留意点"));
      line.appendChild(document.createTextNode(c));
      box.appendChild(line);
    });
    const det = el("details", "koubo-step-raw");
    det.appendChild(el("summary", null, "詳細"));
    det.appendChild(el("pre", null, v.raw || JSON.stringify(step, null, 2)));
    box.appendChild(det);
    turn.tools.appendChild(box);
  }
  function sourcesEl(turn, groups) {
    const sec = el("section", "koubo-sources");
    sec.setAttribute("aria-label", "出典");
    sec.appendChild(el("h3", "koubo-sources-title", "出典"));
    groups.forEach((g) => {
      const d = el("details", "koubo-source");
      d.id = "koubo-src-" + turn.el.dataset.key + "-" + g.markers[0];
      d.dataset.markers = " " + g.markers.join(" ") + " ";
      d.appendChild(el("summary", null, markers(g.markers) + " " + g.title + (g.section ? " › " + g.section : "")));
      const inner = el("div", "koubo-passage");
      const meta = el("p", "koubo-passage-meta");
      const parts = [];
      if (g.issuer) parts.push("発行：" + g.issuer + (g.published ? "（" + g.published + "）" : ""));
      else if (g.published) parts.push("資料の日付：" + g.published);
      if (g.file) parts.push("ファイル：" + g.file);
      meta.appendChild(document.createTextNode(parts.join("／")));
      if (g.url && safeUrl(g.url)) {
        if (parts.length) meta.appendChild(document.createTextNode("／"));
        meta.appendChild(link(safeUrl(g.url), "公式ページ"));
      }
      inner.appendChild(meta);
      g.passages.forEach((p) => {
        const q = el("blockquote", "koubo-quote");
        q.dataset.markers = " " + p.markers.join(" ") + " ";
        q.appendChild(el("span", "koubo-passage-no", markers(p.markers) + " "));
        richText(q, p.text, false);
        inner.appendChild(q);
      });
      d.appendChild(inner);
      sec.appendChild(d);
    });
    return sec;
  }
  // Approved Q&As close to the question (offered, not served): each opens in place to its approved answer, with
  // a link to the public 追加Q&A page (its sources).
  function relatedEl(items) {
    const sec = el("section", "koubo-related");
    sec.setAttribute("aria-label", "関連する事務局確認済みのQ&A");
    sec.appendChild(el("h3", "koubo-related-title", "関連する事務局確認済みのQ&A"));
    items.forEach((r) => {
      const d = el("details", "koubo-related-item");
      d.dataset.curatedId = String(r.id);
      const s = el("summary", null, r.question);
      s.appendChild(el("span", "koubo-related-date", "（" + r.date + " 事務局確認）"));
      d.appendChild(s);
      const body = el("div", "koubo-related-body");
      richText(body, r.answer || "", false);
      const more = el("p", "koubo-related-more");
      more.appendChild(link(r.href, "追加Q&Aページで出典を見る"));
      body.appendChild(more);
      d.appendChild(body);
      sec.appendChild(d);
    });
    return sec;
  }
  function finish(turn, ans) {
    const v = ans.view || {};
    turn.turnId = ans.turn_id;
    turn.text = ans.text || v.text || "";
    turn.status.remove();
    turn.body.textContent = "";
    if (ans.partial) turn.body.appendChild(el("p", "koubo-badge koubo-partial", "回答が途中で途切れました"));
    richText(turn.body, v.text || ans.text || "", true);
    if (v.uncited_note) turn.bubble.appendChild(el("p", "koubo-note", v.uncited_note));
    if (v.sources && v.sources.length) turn.bubble.appendChild(sourcesEl(turn, v.sources));
    if (v.related && v.related.length) turn.bubble.appendChild(relatedEl(v.related));
    if (v.notice && v.notice !== lastNotice) {
      turn.bubble.appendChild(el("p", "koubo-notice", v.notice));
      lastNotice = v.notice;
    }
    turn.copyText = v.copy_text || turn.text;
    turn.bubble.appendChild(toolbar(turn));
  }
  function failed(turn, message) {
    turn.status.remove();
    const p = el("p", "koubo-error", message);
    p.setAttribute("role", "alert");
    turn.bubble.appendChild(p);
  }

  // --- the toolbar under each answer --------------------------------------------------------------------------------
  function toolbar(turn) {
    const bar = el("div", "koubo-toolbar");
    bar.setAttribute("role", "toolbar");
    bar.setAttribute("aria-label", "回答の操作");
    const copy = button("koubo-tool-btn koubo-copy", "コピー", "回答をコピー");
    copy.addEventListener("click", () => copyText(turn.copyText, copy));
    const retry = button("koubo-tool-btn koubo-retry", "再生成", "この質問にもう一度回答させる");
    retry.addEventListener("click", () => {
      if (controller) return;
      const i = turns.indexOf(turn);
      if (i < 0) return;
      turns.slice(i).forEach((t) => t.el.remove());
      turns = turns.slice(0, i);
      ask(turn.question);
    });
    const up = button("koubo-tool-btn koubo-like", "役に立った");
    const down = button("koubo-tool-btn koubo-dislike", "役に立たなかった");
    [up, down].forEach((b) => b.setAttribute("aria-pressed", "false"));
    up.addEventListener("click", () => rate(turn, "like", up, down));
    down.addEventListener("click", () => rate(turn, "dislike", down, up));
    bar.append(copy, retry, up, down);
    return bar;
  }
  async function copyText(text, btn) {
    root.dataset.lastCopy = text;
    try {
      await navigator.clipboard.writeText(text);
    } catch (e) {
      const ta = el("textarea");
      ta.value = text;
      ta.setAttribute("readonly", "");
      ta.style.position = "fixed";
      ta.style.opacity = "0";
      document.body.appendChild(ta);
      ta.select();
      document.execCommand("copy");
      ta.remove();
    }
    btn.textContent = "コピーしました";
    setTimeout(() => (btn.textContent = "コピー"), 2000);
  }
  async function rate(turn, rating, on, off) {
    if (!turn.turnId || on.getAttribute("aria-pressed") === "true") return;
    on.setAttribute("aria-pressed", "true");
    off.setAttribute("aria-pressed", "false");
    let fid = null;
    try {
      fid = await server.rate(turn.turnId, rating);
    } catch (e) {
      fid = null;
    }
    const old = turn.bubble.querySelector(".koubo-feedback");
    if (old) old.remove();
    const box = el("form", "koubo-feedback");
    if (!fid) {
      box.appendChild(el("p", "koubo-error", "評価を保存できませんでした。時間をおいてもう一度お試しください。"));
      turn.bubble.appendChild(box);
      return;
    }
    const id = "koubo-fb-" + turn.el.dataset.key;
    const lab = el("label", null, "ご評価ありがとうございます。" +
      (rating === "like" ? "良かった点があればお聞かせください（任意）。" : "どこが不十分だったかお聞かせください（任意）。"));
    lab.htmlFor = id;
    const ta = el("textarea", "koubo-fb-text");
    ta.id = id;
    ta.rows = 2;
    ta.maxLength = 2000;
    const send = el("button", "koubo-tool-btn koubo-fb-send", "コメントを送信");
    send.type = "submit";
    box.append(lab, ta, send);
    box.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      if (!ta.value.trim()) return;
      let ok = false;
      try {
        ok = await server.comment(fid, ta.value);
      } catch (e) {
        ok = false;
      }
      box.textContent = "";
      box.appendChild(el("p", ok ? "koubo-thanks" : "koubo-error",
        ok ? "コメントを受け付けました。ありがとうございます。" : "コメントを保存できませんでした。"));
    });
    turn.bubble.appendChild(box);
  }

  // --- [n] opens its source -----------------------------------------------------------------------------------------
  log.addEventListener("click", (ev) => {
    const b = ev.target.closest && ev.target.closest(".koubo-ref");
    if (!b) return;
    const bubble = b.closest(".koubo-bubble");
    const n = " " + b.dataset.ref + " ";
    const src = Array.from(bubble.querySelectorAll(".koubo-source")).find((d) => d.dataset.markers.includes(n));
    if (!src) return;
    src.open = true;
    bubble.querySelectorAll(".koubo-quote.koubo-hit").forEach((q) => q.classList.remove("koubo-hit"));
    const q = Array.from(src.querySelectorAll(".koubo-quote")).find((x) => x.dataset.markers.includes(n));
    if (q) q.classList.add("koubo-hit");
    src.scrollIntoView({ block: "nearest" });
    src.querySelector("summary").focus({ preventScroll: true });
  });

  // --- asking: POST /api/ask/stream, read the SSE stream -------------------------------------------------------------
  function setBusy(busy) {
    stopBtn.hidden = !busy;
    sendBtn.disabled = busy;
    root.classList.toggle("koubo-busy", busy);
  }
  function historyPayload() {
    const out = [];
    turns.slice(-HISTORY_TURNS).forEach((t) => {
      out.push({ role: "user", content: t.question.slice(0, 20000) });
      if (t.text) out.push({ role: "assistant", content: t.text.slice(0, 20000) });
    });
    return out;
  }
  function remember(cid) {
    conversationId = cid;
    try {
      localStorage.setItem(STORE_KEY, cid);
    } catch (e) {
      /* private mode: history still works on the server list */
    }
  }
  async function ask(question) {
    question = (question || "").trim();
    if (!question || controller) return;
    if (question.length > MAX_CHARS) return;
    const history = historyPayload();
    const turn = newTurn(question);
    turns.push(turn);
    scrollToTurn(turn.el);
    controller = new AbortController();
    setBusy(true);
    let gotFinal = false;
    try {
      const res = await fetch("/api/ask/stream", {
        method: "POST",
        headers: { "Content-Type": "application/json", Accept: "text/event-stream" },
        body: JSON.stringify({ question, history, conversation_id: conversationId }),
        signal: controller.signal,
        credentials: "same-origin",
      });
      if (!res.ok || !res.body) {
        let msg = "回答を取得できませんでした。時間をおいてもう一度お試しください。";
        try {
          msg = (await res.json()).message || msg;
        } catch (e) {
          /* keep the general message */
        }
        failed(turn, msg);
        return;
      }
      const reader = res.body.getReader();
      const dec = new TextDecoder();
      let buf = "";
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buf += dec.decode(value, { stream: true });
        let cut;
        while ((cut = buf.indexOf("\n\n")) >= 0) {
          const block = buf.slice(0, cut);
          buf = buf.slice(cut + 2);
          let type = "message";
          let data = "";
          block.split("\n").forEach((line) => {
            if (line.startsWith("event:")) type = line.slice(6).trim();
            else if (line.startsWith("data:")) data += line.slice(5).trim();
          });
          let obj = {};
          try {
            obj = JSON.parse(data || "{}");
          } catch (e) {
            continue;
          }
          if (type === "start") {
            turn.turnId = obj.turn_id;
            remember(obj.conversation_id);
          } else if (type === "status") {
            if (!turn.text) turn.status.textContent = obj.text;
          } else if (type === "tool_call") {
            addStep(turn, obj);
          } else if (type === "token") {
            if (!turn.text) turn.status.textContent = "回答を作成しています…";
            turn.text += obj.text;
            turn.body.textContent = turn.text;
          } else if (type === "final") {
            gotFinal = true;
            finish(turn, obj);
          } else if (type === "error") {
            gotFinal = true;
            failed(turn, obj.message);
          }
        }
      }
      if (!gotFinal) failed(turn, "回答が途中で途切れました。もう一度お試しください。");
    } catch (e) {
      if (e && e.name === "AbortError") {
        turn.status.remove();
        turn.bubble.appendChild(el("p", "koubo-note", "回答の作成を停止しました。"));
      } else {
        failed(turn, "サーバーに接続できませんでした。時間をおいてもう一度お試しください。");
      }
    } finally {
      controller = null;
      setBusy(false);
      loadHistoryList();
    }
  }
  function submit() {
    const q = input.value.trim();
    if (!q || controller) return;
    if (q.length > MAX_CHARS) return;
    input.value = "";
    ask(q);
  }

  // Enter sends; Shift+Enter is a new line; Enter that confirms an IME conversion never sends.
  let composing = false;
  input.addEventListener("compositionstart", () => (composing = true));
  input.addEventListener("compositionend", () => (composing = false));
  input.addEventListener("keydown", (ev) => {
    if (ev.key !== "Enter" || ev.shiftKey || ev.altKey || ev.ctrlKey || ev.metaKey) return;
    if (ev.isComposing || ev.keyCode === 229 || composing) return;
    ev.preventDefault();
    submit();
  });
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    submit();
  });
  stopBtn.addEventListener("click", () => controller && controller.abort());
  root.querySelectorAll(".koubo-chip").forEach((c) => c.addEventListener("click", () => ask(c.dataset.q)));

  // --- history ---------------------------------------------------------------------------------------------------
  function clearLog() {
    turns.forEach((t) => t.el.remove());
    turns = [];
    lastNotice = null;
    conversationId = null;
    showLanding(true);
  }
  newBtn.addEventListener("click", () => {
    if (controller) controller.abort();
    clearLog();
    try {
      localStorage.removeItem(STORE_KEY);
    } catch (e) {
      /* ignore */
    }
    input.focus();
  });
  async function openConversation(cid) {
    let data = null;
    try {
      const res = await fetch("/api/conversations/" + encodeURIComponent(cid), { credentials: "same-origin" });
      if (res.ok) data = await res.json();
    } catch (e) {
      data = null;
    }
    if (!data) {
      try {
        localStorage.removeItem(STORE_KEY);
      } catch (e) {
        /* ignore */
      }
      return false;
    }
    clearLog();
    remember(cid);
    data.turns.forEach((row) => {
      const turn = newTurn(row.question);
      turns.push(turn);
      ((row.answer.view || {}).steps || []).forEach((v) => addStep(turn, { name: v.name, view: v }));
      finish(turn, { ...row.answer, turn_id: row.turn_id });
    });
    if (turns.length) scrollToTurn(turns[turns.length - 1].el);
    return true;
  }
  async function loadHistoryList() {
    let items = [];
    try {
      const res = await fetch("/api/conversations", { credentials: "same-origin" });
      if (res.ok) items = await res.json();
    } catch (e) {
      items = [];
    }
    historyList.textContent = "";
    if (!items.length) {
      historyList.appendChild(el("li", "koubo-history-empty", "まだ会話はありません。"));
      return;
    }
    items.forEach((c) => {
      const li = el("li");
      const b = button("koubo-history-item", null);
      b.appendChild(el("span", "koubo-history-title", c.title));
      const when = c.updated_at ? new Date(c.updated_at) : null;
      b.appendChild(el("span", "koubo-history-meta",
        (when && !isNaN(when) ? when.toLocaleString("ja-JP", { dateStyle: "short", timeStyle: "short" }) + "・" : "") +
        c.turns + "件"));
      if (c.conversation_id === conversationId) b.setAttribute("aria-current", "true");
      b.addEventListener("click", async () => {
        if (controller) return;
        historyBox.open = false;
        await openConversation(c.conversation_id);
      });
      li.appendChild(b);
      historyList.appendChild(li);
    });
  }
  (async () => {
    let saved = null;
    try {
      saved = localStorage.getItem(STORE_KEY);
    } catch (e) {
      saved = null;
    }
    if (saved) await openConversation(saved);
    await loadHistoryList();
    root.dataset.loaded = "1";
  })();
})();

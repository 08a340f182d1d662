"use strict";
// The workbench: every number comes from the server's API, which runs the same
// library calls as `sattrace whatif` and `sattrace plan`; every text from the
// project is set with textContent, never as markup.
(function () {
  const LANG = document.documentElement.dataset.lang === "en" ? "en" : "zh";
  const T = {
    zh: {
      whatif: "假设分析", segment: "细分", wave: "波次", reset: "复位",
      wave_note: "假设分析和计划基于所选波次（与 sattrace whatif/plan --wave 相同；默认最新波次）。",
      scenario_name: "场景名", save: "保存场景", load: "载入", saved: "已保存：",
      outcomes: "结果指标", moved: "驱动因素变化", actions: "行动排序",
      node: "指标", before: "之前", after: "之后", change: "变化",
      plan: "计划：最省钱的达标方案", due: "截止日期", budget: "预算", today: "今天",
      find_plan: "求解计划", export: "导出当前视图", report: "报告",
      all: "全部", top: "首选行动：", none: "（无）", move_hint: "移动滑块查看结果。",
      moved_rows: "受影响的受访者：", basis: "效应依据：",
      reloaded: "文件已变更，已重新加载。", invalid: "项目文件无效，服务器仍在运行；修正后保存即可：",
      cost: "成本", cheapest: "最省方案", runner: "备选方案", status: "状态",
      current: "当前", target: "目标", reachable: "可达上限", projected: "预计", p_reach: "达成概率",
      rank: "排名", uplift: "提升", start_by: "最晚开始", error: "错误：",
      saved_ok: "已保存为 ", placeholder_target: "模型目标 ",
      interval: "区间", root_causes: "根因（所选细分，之前 → 之后）", outcome: "结果指标", driver: "驱动因素",
      contribution_before: "贡献（之前）", contribution_after: "贡献（之后）", share: "占缺口比例",
      not_cause: "不再是根因", new_cause: "新根因",
      iv_pending: (b, n) => "区间计算中：已开始 " + b + "/" + n + " 个自助重抽样；完成后自动刷新。",
      iv_ready: (l, n, s) => Math.round(l * 100) + "% 区间：" + n + " 个受访者自助重抽样（种子 " + s + "），与 sattrace whatif 相同。",
      iv_off: "未计算区间（--bootstrap 0）。", iv_failed: "区间计算失败：",
    },
    en: {
      whatif: "What-if", segment: "Segment", wave: "Wave", reset: "Reset",
      wave_note: "What-ifs and plans run on the chosen wave (as sattrace whatif/plan --wave do; the latest by default).",
      scenario_name: "Scenario name", save: "Save scenario", load: "Load", saved: "Saved: ",
      outcomes: "Outcomes", moved: "Drivers moved", actions: "Action ranking",
      node: "Measure", before: "Before", after: "After", change: "Change",
      plan: "Plan: the cheapest way to the targets", due: "Due date", budget: "Budget", today: "Today",
      find_plan: "Find plan", export: "Export the current view", report: "Report",
      all: "all", top: "Top action: ", none: "(none)", move_hint: "Move a slider to see the effect.",
      moved_rows: "Respondents moved: ", basis: "Effects basis: ",
      reloaded: "Files changed, reloaded.", invalid: "The project's files are invalid; the server keeps running. Fix and save:",
      cost: "Cost", cheapest: "Cheapest plan", runner: "Runner-up", status: "Status",
      current: "Current", target: "Target", reachable: "Reachable", projected: "Projected", p_reach: "P(reach)",
      rank: "Rank", uplift: "Uplift", start_by: "Start by", error: "Error: ",
      saved_ok: "Saved as ", placeholder_target: "model target ",
      interval: "Interval", root_causes: "Root causes (selected segment, before → after)", outcome: "Outcome", driver: "Driver",
      contribution_before: "Contribution before", contribution_after: "Contribution after", share: "Share of gap",
      not_cause: "no longer a root cause", new_cause: "new root cause",
      iv_pending: (b, n) => "Intervals being computed: " + b + "/" + n + " bootstrap replicates begun; the view refreshes when done.",
      iv_ready: (l, n, s) => Math.round(l * 100) + "% intervals: " + n + " respondent-bootstrap replicates (seed " + s + "), as sattrace whatif gives them.",
      iv_off: "No intervals (--bootstrap 0).", iv_failed: "Computing the intervals failed: ",
    },
  }[LANG];
  const $ = (id) => document.getElementById(id);
  const el = (tag, text, cls) => {
    const e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = String(text);
    if (cls) e.className = cls;
    return e;
  };
  let meta = null;
  let generation = 0;
  let seq = 0;
  let lastPlan = null;
  let timer = null;
  // A loaded scenario file runs as written (its `set` moves included) until a
  // slider is moved; the sliders then speak in shifts.
  let loaded = null;

  document.querySelectorAll("[data-t]").forEach((e) => { const t = T[e.dataset.t]; e.textContent = typeof t === "string" ? t : ""; });
  // Where the bootstrap replicates stand (`/api/status`); answers made while they
  // are pending are asked again once they are ready.
  let intervals = null;

  function errorText(body) {
    if (body && body.message) {
      return (body.message[LANG] || "") + (body.detail ? "\n" + body.detail : "");
    }
    return String(body);
  }

  async function api(method, url, body) {
    const sep = url.includes("?") ? "&" : "?";
    const init = { method, headers: {} };
    if (body !== undefined) {
      init.headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    const response = await fetch(url + sep + "lang=" + LANG, init);
    const text = await response.text();
    let parsed = null;
    try { parsed = JSON.parse(text); } catch (_) { parsed = text; }
    if (!response.ok) throw new Error(errorText(parsed));
    lastIntervals = response.headers.get("x-sattrace-intervals");
    return parsed;
  }
  // What the last answer's intervals were made with (`pending`: asked again soon).
  let lastIntervals = null;
  let again = null;

  const nodeById = (id) => meta.nodes.find((n) => n.id === id);
  const label = (id) => { const n = nodeById(id); return n ? n.label : id; };
  const digits = (id) => { const n = nodeById(id); return n && n.metric === "mean" ? 2 : 1; };
  const fmt = (id, v) => (v === null || v === undefined ? "–" : Number(v).toFixed(digits(id)));
  const signed = (id, v) => (v > 0 ? "+" : "") + fmt(id, v);
  const segmentKey = () => $("segment").value || "all";

  const waveKey = () => $("wave").value || meta.wave;

  function baseline(node) {
    const byWave = node.scores_by_wave || {};
    const scores = (waveKey() && byWave[waveKey()]) || node.scores || {};
    const v = scores[segmentKey()];
    return v === undefined ? scores.all : v;
  }

  function buildControls() {
    document.title = meta.model + " — sattrace serve";
    $("title").textContent = meta.model;
    const seg = $("segment");
    const keep = seg.value;
    seg.replaceChildren(new Option(T.all, "all"));
    meta.segments.forEach((s) => s.values.forEach((v) => {
      seg.appendChild(new Option(s.column + " = " + v, s.column + "=" + v));
    }));
    if ([...seg.options].some((o) => o.value === keep)) seg.value = keep;
    const wave = $("wave");
    const keepWave = wave.value;
    wave.replaceChildren();
    meta.waves.forEach((w) => wave.appendChild(new Option(w, w)));
    if (meta.wave) wave.value = meta.wave;
    if (meta.waves.includes(keepWave)) wave.value = keepWave;
    wave.disabled = meta.waves.length < 2;
    const box = $("sliders");
    const old = {};
    box.querySelectorAll("input[type=range]").forEach((i) => { old[i.dataset.driver] = i.value; });
    box.replaceChildren();
    meta.nodes.filter((n) => !n.outcome).forEach((n) => {
      const row = el("div", null, "slider");
      const name = el("label", n.label);
      const input = document.createElement("input");
      input.type = "range";
      input.min = n.min; input.max = n.max; input.step = "0.01";
      input.id = "slider-" + n.id;
      input.dataset.driver = n.id;
      name.htmlFor = input.id;
      const out = el("output", "");
      out.id = "value-" + n.id;
      row.append(name, input, out);
      box.appendChild(row);
      input.addEventListener("input", () => { loaded = null; showValue(n); schedule(); });
    });
    resetSliders(old);
    const saved = $("saved");
    saved.replaceChildren();
    meta.scenarios.forEach((s) => saved.appendChild(new Option(s, s)));
    const targets = $("plan-targets");
    const typed = {};
    targets.querySelectorAll("input").forEach((i) => { typed[i.dataset.outcome] = i.value; });
    targets.replaceChildren();
    meta.nodes.filter((n) => n.outcome).forEach((n) => {
      const row = el("label", null, "row");
      row.appendChild(el("span", n.label));
      const input = document.createElement("input");
      input.id = "target-" + n.id;
      input.dataset.outcome = n.id;
      input.inputMode = "decimal";
      input.size = 6;
      input.placeholder = n.target === null ? "" : T.placeholder_target + n.target;
      input.value = typed[n.id] || "";
      row.appendChild(input);
      targets.appendChild(row);
    });
  }

  function resetSliders(values) {
    meta.nodes.filter((n) => !n.outcome).forEach((n) => {
      const input = $("slider-" + n.id);
      const v = values && values[n.id] !== undefined ? values[n.id] : baseline(n);
      input.value = v === undefined || v === null ? n.min : v;
      input.dataset.base = baseline(n);
      showValue(n);
    });
  }

  function shiftOf(n) {
    const input = $("slider-" + n.id);
    const base = Number(input.dataset.base);
    if (!Number.isFinite(base)) return 0;
    return Math.round((Number(input.value) - base) * 100) / 100;
  }

  function showValue(n) {
    const d = shiftOf(n);
    $("value-" + n.id).textContent = Number($("slider-" + n.id).value).toFixed(2) + (d ? " (" + (d > 0 ? "+" : "") + d.toFixed(2) + ")" : "");
  }

  // The scenario on screen: a shift per moved slider (score points), the segment.
  function scenario() {
    if (loaded) return withWave(loaded);
    const s = { shift: {}, where: {} };
    meta.nodes.filter((n) => !n.outcome).forEach((n) => {
      const d = shiftOf(n);
      if (d !== 0) s.shift[n.id] = d;
    });
    const key = segmentKey();
    if (key !== "all") {
      const at = key.indexOf("=");
      s.where[key.slice(0, at)] = key.slice(at + 1);
    }
    const name = $("scenario-name").value.trim();
    if (name) s.name = name;
    return withWave(s);
  }

  // The chosen wave, when it is not the latest (`whatif --wave`).
  function withWave(s) {
    const w = waveKey();
    const out = Object.assign({}, s);
    delete out.wave;
    if (w && w !== meta.wave) out.wave = w;
    return out;
  }

  function schedule() {
    clearTimeout(timer);
    timer = setTimeout(runWhatif, 60);
  }

  async function runWhatif() {
    const s = scenario();
    const mine = ++seq;
    document.body.dataset.busy = "1";
    if (Object.keys(s.shift).length === 0 && Object.keys(s.set || {}).length === 0) {
      clearResult(T.move_hint);
      document.body.dataset.whatifSeq = String(mine);
      delete document.body.dataset.busy;
      return;
    }
    try {
      const result = await api("POST", "/api/whatif", s);
      if (mine !== seq) return;
      const made = lastIntervals || "off";
      showWhatif(result);
      document.body.dataset.whatifIntervals = made;
      // Made before the replicates (of this wave) were ready: ask again shortly.
      clearTimeout(again);
      if (made === "pending") again = setTimeout(() => { if (mine === seq) runWhatif(); }, 1000);
    } catch (e) {
      if (mine !== seq) return;
      clearResult(T.error + e.message);
    }
    document.body.dataset.whatifSeq = String(mine);
    delete document.body.dataset.busy;
  }

  function clearResult(note) {
    $("whatif-note").textContent = note;
    $("outcomes").tBodies[0].replaceChildren();
    $("drivers").tBodies[0].replaceChildren();
    $("root-causes").tBodies[0].replaceChildren();
    $("actions").replaceChildren();
    $("top-action").textContent = "";
    delete $("top-action").dataset.rule;
  }

  function row(id, node) {
    const tr = el("tr");
    tr.dataset.node = id;
    tr.dataset.after = node.after === null ? "" : String(node.after);
    tr.dataset.change = String(node.change);
    tr.appendChild(el("td", label(id)));
    tr.appendChild(el("td", fmt(id, node.before), "num"));
    tr.appendChild(el("td", fmt(id, node.after), "num after"));
    tr.appendChild(el("td", signed(id, node.change), "num " + (node.change > 0 ? "up" : node.change < 0 ? "down" : "")));
    // The bootstrap interval of the change, when the JSON carries one.
    const has = typeof node.change_low === "number";
    const iv = el("td", has ? "[" + signed(id, node.change_low) + ", " + signed(id, node.change_high) + "]" : "–", "num interval");
    if (has) { tr.dataset.low = String(node.change_low); tr.dataset.high = String(node.change_high); }
    tr.appendChild(iv);
    return tr;
  }

  function showWhatif(r) {
    window.sattraceLastWhatif = r;
    const key = segmentKey();
    const seg = r.segments.find((s) => s.segment === key) || r.segments.find((s) => s.segment === "all") || r.segments[0];
    $("whatif-note").textContent = r.scenario.name + " · " + T.moved_rows + r.moved_rows + " · " + T.basis + r.effects_basis;
    const outcomes = $("outcomes").tBodies[0];
    const drivers = $("drivers").tBodies[0];
    outcomes.replaceChildren();
    drivers.replaceChildren();
    (seg ? seg.nodes : []).forEach((n) => {
      if (n.outcome) outcomes.appendChild(row(n.id, n));
      else if (n.change !== 0) drivers.appendChild(row(n.id, n));
    });
    showRootCauses(r, seg ? seg.segment : "all");
    const actions = r.actions.slice().sort((a, b) => (a.rank_after || 1e9) - (b.rank_after || 1e9));
    const list = $("actions");
    list.replaceChildren();
    actions.forEach((a) => {
      const li = el("li", a.rule + " — " + label(a.driver) + " · " + (a.segment === "all" ? T.all : a.segment) + " · " + T.uplift + " " + (a.uplift_after === null ? "–" : a.uplift_after) + " · " + T.cost + " " + a.cost + " · " + a.status);
      li.dataset.rule = a.rule;
      list.appendChild(li);
    });
    const top = actions.find((a) => a.rank_after === 1);
    const topEl = $("top-action");
    topEl.textContent = T.top + (top ? top.rule + " — " + label(top.driver) : T.none);
    if (top) {
      topEl.dataset.rule = top.rule;
      topEl.dataset.driver = top.driver;
      topEl.dataset.segment = top.segment;
    } else {
      delete topEl.dataset.rule;
    }
  }

  // The selected segment's root causes before and after, as the report lists them.
  function showRootCauses(r, segment) {
    const body = $("root-causes").tBodies[0];
    body.replaceChildren();
    const num = (v) => (v === null || v === undefined ? "–" : Number(v).toFixed(2));
    (r.root_causes || []).filter((c) => c.segment === segment).forEach((c) => {
      const tr = el("tr");
      tr.dataset.outcome = c.outcome;
      tr.dataset.driver = c.driver;
      tr.dataset.before = c.contribution_before === null ? "" : String(c.contribution_before);
      tr.dataset.after = c.contribution_after === null ? "" : String(c.contribution_after);
      const pct = (v) => (v === null || v === undefined ? "–" : Math.round(v * 100) + "%");
      const after = c.contribution_after === null ? T.not_cause : num(c.contribution_after);
      const before = c.contribution_before === null ? T.new_cause : num(c.contribution_before);
      tr.append(el("td", label(c.outcome)), el("td", label(c.driver)), el("td", before, "num"), el("td", after, "num after"), el("td", pct(c.share_before) + " → " + pct(c.share_after), "num"));
      body.appendChild(tr);
    });
  }

  function showIntervals(s) {
    intervals = s;
    const note = $("intervals-note");
    note.dataset.state = s ? s.state : "off";
    if (!s) { note.textContent = ""; return; }
    note.textContent = {
      pending: () => T.iv_pending(s.begun, s.replicates),
      ready: () => T.iv_ready(s.level, s.replicates, s.seed),
      failed: () => T.iv_failed + (s.error || ""),
      off: () => T.iv_off,
    }[s.state]();
  }

  function planBody() {
    const body = { targets: {} };
    $("plan-targets").querySelectorAll("input").forEach((i) => {
      if (i.value.trim() !== "") body.targets[i.dataset.outcome] = Number(i.value);
    });
    if ($("due").value.trim()) body.due = $("due").value.trim();
    if ($("budget").value.trim()) body.budget = Number($("budget").value);
    if ($("today").value.trim()) body.today = $("today").value.trim();
    // The wave picker applies to the plan too (`sattrace plan --wave`).
    return withWave(body);
  }

  async function runPlan(event) {
    event.preventDefault();
    await askPlan(planBody());
  }

  function rerunPlan() { askPlan(lastPlan); }

  async function askPlan(body) {
    const out = $("plan-result");
    document.body.dataset.planBusy = "1";
    try {
      const r = await api("POST", "/api/plan", body);
      lastPlan = body;
      showPlan(r);
    } catch (e) {
      out.replaceChildren(el("p", T.error + e.message, "error-text"));
    }
    delete document.body.dataset.planBusy;
    document.body.dataset.planDone = String(Number(document.body.dataset.planDone || 0) + 1);
  }

  function showPlan(r) {
    window.sattraceLastPlan = r;
    const out = $("plan-result");
    out.replaceChildren();
    out.dataset.status = r.status;
    out.appendChild(el("p", T.status + ": " + r.status + (r.budget === null ? "" : " · " + T.budget + " " + r.budget)));
    (r.shortfalls || []).forEach((s) => out.appendChild(el("p", String(typeof s === "string" ? s : JSON.stringify(s)), "error-text")));
    const table = el("table");
    const head = el("tr");
    [T.node, T.current, T.target, T.reachable].forEach((h) => head.appendChild(el("th", h)));
    table.appendChild(head);
    r.targets.forEach((t) => {
      const tr = el("tr");
      tr.append(el("td", label(t.outcome) + " (" + t.due + ")"), el("td", fmt(t.outcome, t.current), "num"), el("td", fmt(t.outcome, t.target), "num"), el("td", fmt(t.outcome, t.reachable), "num"));
      table.appendChild(tr);
    });
    out.appendChild(table);
    r.plans.forEach((p, k) => {
      const box = el("div", null, "plan" + (k ? " runner" : ""));
      box.id = "plan-" + k;
      box.dataset.cost = String(p.cost);
      box.dataset.rules = p.actions.map((a) => a.rule).join(",");
      box.appendChild(el("h3", (k ? T.runner + " " + k : T.cheapest) + " · " + T.cost + " " + p.cost));
      const ul = el("ul");
      p.actions.forEach((a) => ul.appendChild(el("li", a.rule + " — " + label(a.driver) + " · " + (a.segment === "all" ? T.all : a.segment) + " · " + T.cost + " " + a.cost + " · " + T.start_by + " " + a.start_by)));
      box.appendChild(ul);
      box.appendChild(el("p", p.projected.map((x) => label(x.outcome) + " " + T.projected + " " + fmt(x.outcome, x.projected) + (typeof x.probability === "number" ? " (" + T.p_reach + " " + x.probability.toFixed(2) + ")" : "")).join(" · "), "note"));
      out.appendChild(box);
    });
  }

  async function save() {
    const name = $("scenario-name").value.trim();
    try {
      const r = await api("PUT", "/api/scenarios/" + encodeURIComponent(name), scenario());
      // Say "saved" only once the list of saved scenarios holds it, so whoever
      // reads the message (a person or a test) can load it at once.
      await loadMeta();
      $("saved").value = name;
      $("save-result").textContent = T.saved_ok + r.saved;
    } catch (e) {
      $("save-result").textContent = T.error + e.message;
    }
  }

  async function load() {
    const name = $("saved").value;
    if (!name) return;
    try {
      const s = await api("GET", "/api/scenarios/" + encodeURIComponent(name));
      const key = Object.entries(s.where || {}).map(([c, v]) => c + "=" + v)[0] || "all";
      $("segment").value = key;
      resetSliders();
      Object.entries(s.shift || {}).forEach(([id, d]) => {
        const input = $("slider-" + id);
        if (input) { input.value = Number(input.dataset.base) + d; showValue(nodeById(id)); }
      });
      Object.entries(s.set || {}).forEach(([id, v]) => {
        const input = $("slider-" + id);
        if (input) { input.value = v; showValue(nodeById(id)); }
      });
      $("scenario-name").value = name;
      loaded = s;
      runWhatif();
    } catch (e) {
      $("save-result").textContent = T.error + e.message;
    }
  }

  async function exportView(format) {
    const s = scenario();
    const moves = Object.keys(s.shift).length + Object.keys(s.set || {}).length;
    const body = { scenario: moves ? s : null, plan: lastPlan };
    const response = await fetch("/api/export?format=" + format + "&lang=" + LANG, {
      method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body),
    });
    if (!response.ok) {
      $("save-result").textContent = T.error + errorText(await response.json());
      return;
    }
    const blob = await response.blob();
    const a = document.createElement("a");
    a.href = URL.createObjectURL(blob);
    a.download = "sattrace." + format;
    document.body.appendChild(a);
    a.click();
    a.remove();
  }

  function banner(kind, text, problem) {
    const box = $("status");
    box.className = "status" + (kind === "error" ? " error" : "");
    box.dataset.kind = kind;
    $("status-text").textContent = text;
    const pre = $("problem");
    pre.textContent = problem || "";
    pre.className = problem ? "" : "hidden";
  }

  async function loadMeta() {
    meta = await api("GET", "/api/meta");
    generation = meta.generation;
    buildControls();
    $("report").src = "/report?lang=" + LANG + "&g=" + generation;
  }

  async function poll() {
    try {
      const s = await api("GET", "/api/status");
      const was = intervals ? intervals.state : null;
      showIntervals(s.intervals);
      if (s.generation === generation && was === "pending" && s.intervals && s.intervals.state === "ready") {
        // The replicates are made: ask again, now with intervals and P(reach).
        runWhatif();
        if (lastPlan) rerunPlan();
      }
      if (s.generation !== generation) {
        if (s.ok) {
          await loadMeta();
          banner("reloaded", T.reloaded, "");
          runWhatif();
        } else {
          generation = s.generation;
          banner("error", T.invalid, s.problem);
        }
      }
    } catch (_) { /* the server is restarting; try again */ }
    setTimeout(poll, 1000);
  }

  // Tests and screenshots wait for the report frame (sandboxed: its document
  // cannot be read from here).
  $("report").addEventListener("load", () => { document.body.dataset.reportLoaded = String(generation); });
  $("segment").addEventListener("change", () => { loaded = null; resetSliders(); runWhatif(); });
  $("wave").addEventListener("change", () => { loaded = null; resetSliders(); runWhatif(); });
  $("reset").addEventListener("click", () => { loaded = null; resetSliders(); runWhatif(); });
  $("save").addEventListener("click", save);
  $("load").addEventListener("click", load);
  $("plan-form").addEventListener("submit", runPlan);
  document.querySelectorAll("button.export").forEach((b) => b.addEventListener("click", () => exportView(b.dataset.format)));

  loadMeta().then(async () => {
    clearResult(T.move_hint);
    try { showIntervals((await api("GET", "/api/status")).intervals); } catch (_) { /* shown at the next poll */ }
    document.body.dataset.ready = "1";
    setTimeout(poll, 1000);
  }).catch((e) => banner("error", T.error, e.message));
})();

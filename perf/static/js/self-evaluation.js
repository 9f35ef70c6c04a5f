/* The self-evaluation form as it is typed: the 分值 totals of each 一级指标 and of all indicators
   against the points they must have, and beside each 定性 score the range its band allows (and
   whether the upper bound is included). The rules are the server's own, given to the page as
   data-scoring (perf.evaluation.settings.live_rules); numbers are exact decimals (BigInt). */
(function () {
  "use strict";
  var form = document.getElementById("evaluation-form");
  if (!form || !form.dataset.scoring) { return; }
  var rules = JSON.parse(form.dataset.scoring);
  var bands = {};
  rules.bands.forEach(function (band) { bands[band.key] = band; });

  /* a decimal as {n: BigInt, s: places}; null when the text is not a number */
  function dec(text) {
    var t = String(text == null ? "" : text).trim().replace(/,/g, "");
    var m = /^([+-]?)(\d*)(?:\.(\d*))?$/.exec(t);
    if (!m || (m[2] === "" && !m[3])) { return null; }
    var frac = m[3] || "";
    var n = BigInt((m[2] || "0") + frac);
    return { n: m[1] === "-" ? -n : n, s: frac.length };
  }
  function scaled(d, s) { return d.n * (BigInt(10) ** BigInt(s - d.s)); }
  function add(a, b) { var s = Math.max(a.s, b.s); return { n: scaled(a, s) + scaled(b, s), s: s }; }
  function cmp(a, b) { var s = Math.max(a.s, b.s); var x = scaled(a, s), y = scaled(b, s); return x < y ? -1 : (x > y ? 1 : 0); }
  function times(a, b) { return { n: a.n * b.n, s: a.s + b.s }; }
  function percentOf(pct, weight) { var p = times(dec(pct), weight); return { n: p.n, s: p.s + 2 }; }
  /* two places at least, more only when the value has them: 8 -> 8.00, 13.336 -> 13.336 */
  function show(d) {
    var s = Math.max(d.s, 2), n = scaled(d, s), neg = n < 0;
    var digits = (neg ? -n : n).toString().padStart(s + 1, "0");
    var text = digits.slice(0, digits.length - s) + "." + digits.slice(digits.length - s);
    while (/\.\d{2,}0$/.test(text)) { text = text.slice(0, -1); }
    return (neg ? "-" : "") + text;
  }
  var ZERO = { n: BigInt(0), s: 0 };

  var rows = Array.prototype.slice.call(form.querySelectorAll("tr.evaluation-row"));

  function rangeOf(row) {
    var band = bands[(row.querySelector("select.band") || {}).value];
    var weight = dec((row.querySelector("input.weight") || {}).value);
    if (!band || !weight) { return null; }
    return { band: band, low: percentOf(band.low_pct, weight), high: percentOf(band.high_pct, weight) };
  }

  function inRange(score, range) {
    var c = cmp(score, range.high);
    return cmp(score, range.low) >= 0 && (c < 0 || (c === 0 && range.band.includes_high));
  }

  function showRange(row) {
    var out = row.querySelector(".eval-range");
    if (!out) { return null; }
    var range = rangeOf(row);
    var score = dec((row.querySelector("input.band-score") || {}).value);
    if (!range) {
      out.textContent = (row.querySelector("select.band") || {}).value ? "请先填写分值" : "请选择评价档次";
      out.classList.remove("out");
      return null;
    }
    var high = show(range.high);
    out.textContent = "可评分 " + show(range.low) + "–" + high + (range.band.includes_high ? "（含" + high + "）" : "（不含上限" + high + "）");
    var wrong = score !== null && !inRange(score, range);
    out.classList.toggle("out", wrong);
    if (wrong) { out.textContent += "，所填得分不在范围内"; }
    return score !== null && !wrong ? score : null;
  }

  function update() {
    var weights = {}, scores = {}, weightTotal = ZERO, scoreTotal = ZERO;
    rules.groups.forEach(function (g) { weights[g.level1] = ZERO; scores[g.level1] = ZERO; });
    rows.forEach(function (row) {
      var weight = dec((row.querySelector("input.weight") || {}).value) || ZERO;
      var typed = row.dataset.kind === "qualitative" ? showRange(row) : null;
      /* a 定性 row scores what is typed (0 until it is in its band); a 定量 row what was last saved */
      var score = row.dataset.kind === "qualitative" ? (typed || ZERO) : (dec(row.dataset.score) || ZERO);
      var group = row.dataset.group;
      weightTotal = add(weightTotal, weight);
      scoreTotal = add(scoreTotal, score);
      if (group in weights) { weights[group] = add(weights[group], weight); scores[group] = add(scores[group], score); }
    });
    form.querySelectorAll("tr.level1-total").forEach(function (tr) {
      var group = tr.dataset.group, points = dec(tr.dataset.points);
      var off = rules.level1_sums_fixed && cmp(weights[group], points) !== 0;
      tr.querySelector(".group-weight").textContent = show(weights[group]);
      tr.querySelector(".group-weight").classList.toggle("off", off);
      tr.querySelector(".group-check").textContent = off ? "应为" + show(points) : "";
      tr.querySelector(".group-score").textContent = show(scores[group]);
    });
    var total = document.getElementById("weight-total"), should = dec(rules.indicator_points);
    var wrong = cmp(weightTotal, should) !== 0;
    total.textContent = show(weightTotal);
    total.classList.toggle("off", wrong);
    document.getElementById("weight-check").textContent = wrong ? "应为" + show(should) : "";
    document.getElementById("score-total").textContent = show(scoreTotal);
  }

  form.addEventListener("input", update);
  form.addEventListener("change", update);
  update();
})();

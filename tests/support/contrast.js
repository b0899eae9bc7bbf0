/* WCAG 2.x contrast of every visible piece of HTML text on the page (tests/e2e/test_server_contrast.py).
 *
 * For each element with text of its own (outside SVG and canvas drawings), the text
 * colour against the background it is drawn on: the background colours of the element
 * and its ancestors composited over white. Returns [{selector, text, ratio, large}]. */
(() => {
  function parse(c) {
    const m = /rgba?\(([^)]+)\)/.exec(c);
    if (!m) return [0, 0, 0, 0];
    const v = m[1].split(/[\s,\/]+/).filter(Boolean).map(Number);
    return [v[0], v[1], v[2], v.length > 3 ? v[3] : 1];
  }
  function over(top, under) {
    const a = top[3];
    return [0, 1, 2].map(i => top[i] * a + under[i] * (1 - a)).concat([1]);
  }
  function background(el) {
    const layers = [];
    for (let e = el; e; e = e.parentElement) {
      const c = parse(getComputedStyle(e).backgroundColor);
      if (c[3] > 0) layers.push(c);
      if (c[3] >= 1) break;
    }
    return layers.reverse().reduce((under, top) => over(top, under), [255, 255, 255, 1]);
  }
  function luminance(c) {
    const [r, g, b] = c.slice(0, 3).map(v => {
      v /= 255;
      return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  }
  function ratio(a, b) {
    const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
    return (hi + 0.05) / (lo + 0.05);
  }
  function name(el) {
    let s = el.tagName.toLowerCase();
    if (el.id) s += "#" + el.id;
    if (typeof el.className === "string" && el.className.trim()) s += "." + el.className.trim().split(/\s+/).join(".");
    return s;
  }
  const out = [];
  for (const el of document.querySelectorAll("input[placeholder]")) {  // placeholders are text too
    const box = el.getBoundingClientRect();
    if (el.value || !el.placeholder || !box.width || el.closest("[hidden]")) continue;
    const bg = background(el);
    out.push({selector: name(el) + "::placeholder", text: el.placeholder.slice(0, 40),
              ratio: Math.round(ratio(over(parse(getComputedStyle(el, "::placeholder").color), bg), bg) * 100) / 100,
              large: false});
  }
  for (const el of document.querySelectorAll("body *")) {
    if (el.closest("svg, canvas, script, style, textarea[hidden], option")) continue;
    const own = Array.from(el.childNodes).filter(n => n.nodeType === 3 && n.textContent.trim()).map(n => n.textContent.trim()).join(" ");
    if (!own) continue;
    const box = el.getBoundingClientRect();
    const style = getComputedStyle(el);
    if (!box.width || !box.height || style.visibility === "hidden" || el.closest("[hidden]")) continue;
    if (el.closest(".visually-hidden")) continue;
    if (el.disabled || el.closest("button:disabled")) continue;  // inactive controls are exempt (WCAG 1.4.3)
    const size = parseFloat(style.fontSize), weight = parseInt(style.fontWeight, 10);
    const fg = parse(style.color);
    const bg = background(el);
    out.push({
      selector: (el.parentElement ? name(el.parentElement) + " > " : "") + name(el),
      text: own.slice(0, 40),
      ratio: Math.round(ratio(over(fg, bg), bg) * 100) / 100,
      large: size >= 24 || (size >= 18.66 && weight >= 700)
    });
  }
  return out;
})()

/* g60graph: PNG and SVG export for every page (buttons, and the CLI's --png/--svg).
 *
 *   G60Export.buttons(host, exporters, strings, basename)
 *   G60Export.fromHash(exporters)
 *
 * exporters = {png: function () -> data:image/png URL, svg: function () -> SVG text}.
 * The CLI opens a page as FILE#g60-export=png (or svg) in headless Chromium and reads
 * the result from the textarea #g60-export in the dumped DOM: the same drawing code
 * makes the button's file and the CLI's.
 */
(function (root) {
  "use strict";

  function save(name, href) {
    var a = document.createElement("a");
    a.href = href;
    a.download = name;
    document.body.appendChild(a);
    a.click();
    a.parentNode.removeChild(a);
  }

  function buttons(host, exporters, strings, basename) {
    var box = document.createElement("span");
    box.className = "g60-export";
    [["png", strings.png || "PNG image"], ["svg", strings.svg || "SVG image"]].forEach(function (pair) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "g60-export-" + pair[0];
      button.textContent = "\u2913 " + pair[1];
      button.addEventListener("click", function () {
        var value = exporters[pair[0]]();
        if (pair[0] === "svg") {
          var blob = new Blob([value], {type: "image/svg+xml;charset=utf-8"});
          var url = URL.createObjectURL(blob);
          save(basename + ".svg", url);
          setTimeout(function () { URL.revokeObjectURL(url); }, 0);
        } else {
          save(basename + ".png", value);
        }
      });
      box.appendChild(button);
    });
    host.appendChild(box);
    return box;
  }

  function fromHash(exporters) {
    var match = /^#g60-export=(png|svg)$/.exec(root.location ? root.location.hash : "");
    if (!match) return;
    var out = document.createElement("textarea");
    out.id = "g60-export";
    out.setAttribute("data-format", match[1]);
    out.textContent = exporters[match[1]]();
    document.body.appendChild(out);
    document.body.setAttribute("data-exported", match[1]);
  }

  /* An SVG element as a standalone file, with the page's styles for its classes inlined. */
  function standaloneSvg(svg, css) {
    var copy = svg.cloneNode(true);
    copy.setAttribute("xmlns", "http://www.w3.org/2000/svg");
    if (css) {
      var style = document.createElementNS("http://www.w3.org/2000/svg", "style");
      style.textContent = css;
      copy.insertBefore(style, copy.firstChild);
    }
    return new XMLSerializer().serializeToString(copy);
  }

  root.G60Export = {buttons: buttons, fromHash: fromHash, standaloneSvg: standaloneSvg};
})(typeof window !== "undefined" ? window : this);

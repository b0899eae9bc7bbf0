/* g60graph: PNG and SVG export for every page (buttons, and the CLI's --png/--svg).
 *
 *   G60Export.buttons(host, exporters, strings, basename)
 *   G60Export.fromHash(exporters)
 *
 * exporters = {png: function () -> data:image/png URL, svg: function () -> SVG text}
 * (either may return a Promise of it).
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
        Promise.resolve(exporters[pair[0]]()).then(function (value) { deliver(pair[0], value); });
      });
      box.appendChild(button);
    });
    function deliver(kind, value) {
        if (kind === "svg") {
          var blob = new Blob([value], {type: "image/svg+xml;charset=utf-8"});
          var url = URL.createObjectURL(blob);
          save(basename + ".svg", url);
          setTimeout(function () { URL.revokeObjectURL(url); }, 0);
        } else {
          save(basename + ".png", value);
        }
    }
    host.appendChild(box);
    return box;
  }

  function fromHash(exporters) {
    var match = /^#g60-export=(png|svg)$/.exec(root.location ? root.location.hash : "");
    if (!match) return;
    Promise.resolve(exporters[match[1]]()).then(function (value) {
      var out = document.createElement("textarea");
      out.id = "g60-export";
      out.setAttribute("data-format", match[1]);
      out.textContent = value;
      document.body.appendChild(out);
      document.body.setAttribute("data-exported", match[1]);
    });
  }

  /* SVG text as a PNG on white, at twice its size (a Promise of a data: URL). */
  function svgToPng(svgText, width, height) {
    return new Promise(function (resolve, reject) {
      var img = new Image();
      img.onload = function () {
        var canvas = document.createElement("canvas");
        canvas.width = width * 2;
        canvas.height = height * 2;
        var g = canvas.getContext("2d");
        g.fillStyle = "#ffffff";
        g.fillRect(0, 0, canvas.width, canvas.height);
        g.drawImage(img, 0, 0, canvas.width, canvas.height);
        resolve(canvas.toDataURL("image/png"));
      };
      img.onerror = function () { reject(new Error("the SVG did not load as an image")); };
      img.src = "data:image/svg+xml;charset=utf-8," + encodeURIComponent(svgText);
    });
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

  root.G60Export = {buttons: buttons, fromHash: fromHash, standaloneSvg: standaloneSvg,
                    svgToPng: svgToPng};
})(typeof window !== "undefined" ? window : this);

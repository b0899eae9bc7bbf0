/* g60graph query page: the SPARQL editor, CodeMirror 6 (vendor/codemirror.js, window.CM).
 *
 * G60Editor.create(host, options) -> {get, set, focus, addPrefixLines, showError, clearError,
 *                                      completionReady, view}
 * options = {text, prefixes: {name: namespace}, onRun(), onChange(text),
 *            vocabulary(): Promise<{classes, properties}>, entities(text): Promise<[...]>,
 *            label(entry) -> string (in the page's language)}
 *
 * Completion offers SPARQL keywords, the predeclared prefixes (adding the PREFIX line
 * when the query lacks it), the graph's classes (first after "a") and properties with
 * their labels, and entities found by label through the server's /api/entities.
 */
(function (root) {
  "use strict";

  var CM = root.CM;
  var KEYWORDS = ("SELECT DISTINCT REDUCED WHERE FILTER OPTIONAL UNION MINUS GRAPH SERVICE BIND VALUES " +
    "PREFIX BASE CONSTRUCT DESCRIBE ASK FROM NAMED ORDER BY ASC DESC LIMIT OFFSET GROUP HAVING AS " +
    "COUNT SUM MIN MAX AVG SAMPLE GROUP_CONCAT SEPARATOR STR LANG LANGMATCHES DATATYPE BOUND IRI " +
    "isIRI isLiteral isBlank REGEX CONTAINS STRSTARTS STRENDS LCASE UCASE YEAR NOW COALESCE IF " +
    "EXISTS NOT IN").split(" ");
  // CodeMirror's default: a completion list younger than this ignores Enter, so a list that
  // pops up just as one presses Enter for a new line does not take the keystroke
  var INTERACTION_DELAY = 75;

  function declared(text) {
    var found = {};
    var re = /PREFIX\s+([A-Za-z][\w.-]*)?:\s*</gi, m;
    while ((m = re.exec(text))) found[m[1] || ""] = true;
    return found;
  }

  /* The PREFIX lines for prefixes the text uses but does not declare. */
  function missingPrefixLines(text, prefixes) {
    var have = declared(text), lines = [];
    var stripped = text.replace(/"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|<[^<>\s]*>|#[^\n]*/g, " ");
    Object.keys(prefixes).forEach(function (p) {
      if (!have[p] && new RegExp("(^|[^\\w:?$])" + p + ":").test(stripped)) {
        lines.push("PREFIX " + p + ": <" + prefixes[p] + ">");
      }
    });
    return lines;
  }

  function prefixInsertion(state, name, prefixes) {
    var text = state.doc.toString();
    if (declared(text)[name] || !prefixes[name]) return null;
    return {from: 0, insert: "PREFIX " + name + ": <" + prefixes[name] + ">\n"};
  }

  function create(host, options) {
    var prefixes = options.prefixes || {};
    var vocabulary = null;  // a promise, asked for once
    var entityCache = {};

    function vocab() {
      if (!vocabulary) vocabulary = options.vocabulary().catch(function () { return {classes: [], properties: []}; });
      return vocabulary;
    }

    function shortName(iri) {
      var best = null;
      Object.keys(prefixes).forEach(function (p) {
        var ns = prefixes[p];
        if (iri.indexOf(ns) === 0 && /^[\w.-]+$/.test(iri.slice(ns.length)) && (!best || ns.length > prefixes[best].length)) best = p;
      });
      return best === null ? null : best + ":" + iri.slice(prefixes[best].length);
    }

    /* An option that writes `text` and adds the PREFIX line for its prefix if missing. */
    function termOption(text, detail, boost) {  // boost: rank among CodeMirror-filtered options
      var name = text.slice(0, text.indexOf(":"));
      return {
        label: text, detail: detail, boost: boost || 0, type: "variable",
        apply: function (view, completion, from, to) {
          var changes = [{from: from, to: to, insert: text}];
          var extra = prefixInsertion(view.state, name, prefixes);
          if (extra) changes.push(extra);
          view.dispatch({changes: changes, selection: {anchor: from + text.length + (extra ? extra.insert.length : 0)}});
        }
      };
    }

    function source(context) {
      var word = context.matchBefore(/[A-Za-z_][\w-]*:[\w.-]*|[A-Za-z_\u4e00-\u9fff][\w\u4e00-\u9fff-]*/);
      if (!word && !context.explicit) return null;
      var from = word ? word.from : context.pos;
      var typed = word ? word.text : "";
      var before = context.state.sliceDoc(Math.max(0, from - 3), from);
      var afterA = /(^|\s)a\s+$/.test(before);
      var colon = typed.indexOf(":");
      if (colon >= 0) {
        var prefix = typed.slice(0, colon), local = typed.slice(colon + 1).toLowerCase();
        var ns = prefixes[prefix];
        if (ns === undefined) return null;
        return vocab().then(function (v) {
          var found = [];
          function add(list, kind) {
            list.forEach(function (entry) {
              if (entry.iri.indexOf(ns) !== 0) return;
              var name = shortName(entry.iri);
              if (!name || name.slice(0, prefix.length + 1) !== prefix + ":") return;
              var at = name.slice(prefix.length + 1).toLowerCase().indexOf(local);
              if (at < 0) return;
              var rank = (kind === "class" ? (afterA ? 0 : 2) : (afterA ? 3 : 1)) * 2 + (at === 0 ? 0 : 1);
              found.push({rank: rank, option: termOption(name, options.label(entry) || kind)});
            });
          }
          add(v.classes, "class");
          add(v.properties, "property");
          found.sort(function (a, b) {
            return a.rank - b.rank || (a.option.label < b.option.label ? -1 : a.option.label > b.option.label ? 1 : 0);
          });
          var list = found.map(function (f) { return f.option; });
          var entityAsk = local.length >= 1 && prefix === "g60r" ? entitiesFor(local) : Promise.resolve([]);
          return entityAsk.then(function (entities) {
            entities.forEach(function (e) {
              var name = shortName(e.iri);
              if (name && name.indexOf(prefix + ":") === 0) list.push(termOption(name, options.label(e)));
            });
            // filtered here (classes and properties by name, entities by label), not by CodeMirror
            return {from: from, options: list, filter: false};
          });
        });
      }
      var list = KEYWORDS.map(function (k) { return {label: k, type: "keyword", boost: -20}; });
      Object.keys(prefixes).forEach(function (p) {
        list.push(termOption(p + ":", prefixes[p], 0));
        list[list.length - 1].type = "namespace";
      });
      if (typed.length < 3 && !context.explicit) return {from: from, options: list, validFor: /^[\w]*$/};
      // With entities (matched by label) the list is filtered and ordered here, not by
      // CodeMirror (filter: false keeps the order given): the keywords and prefixes that
      // start with the text typed, then the entities.
      var lower = typed.toLowerCase();
      list = list.filter(function (option) { return option.label.toLowerCase().indexOf(lower) === 0; });
      return entitiesFor(typed).then(function (found) {
        found.forEach(function (e) {
          var name = shortName(e.iri) || "<" + e.iri + ">";
          var option = termOption(name, name, 10);
          option.label = typed;  // matched by label, not by its name
          option.displayLabel = options.label(e);
          option.detail = name;
          list.push(option);
        });
        return {from: from, options: list, filter: false};
      });
    }

    function entitiesFor(text) {
      var key = text.toLowerCase();
      if (!entityCache[key]) {
        entityCache[key] = options.entities(text).catch(function () { return []; });
      }
      return entityCache[key];
    }

    var run = function () { options.onRun(); return true; };
    var listOpened = 0;  // when the completion list last opened (CodeMirror keeps that time too)
    var view = new CM.EditorView({
      parent: host,
      state: CM.EditorState.create({
        doc: options.text || "",
        extensions: [
          CM.lineNumbers(), CM.highlightActiveLineGutter(), CM.highlightSpecialChars(), CM.history(),
          CM.drawSelection(), CM.indentOnInput(), CM.bracketMatching(), CM.closeBrackets(),
          CM.highlightActiveLine(), CM.highlightSelectionMatches(),
          CM.syntaxHighlighting(CM.defaultHighlightStyle, {fallback: true}),
          CM.StreamLanguage.define(CM.sparql),
          CM.autocompletion({override: [source], activateOnTyping: true, icons: false,
                             interactionDelay: INTERACTION_DELAY}),
          CM.lintGutter(),
          CM.keymap.of([{key: "Mod-Enter", run: run, preventDefault: true}].concat(
            CM.closeBracketsKeymap, CM.defaultKeymap, CM.searchKeymap, CM.historyKeymap,
            CM.completionKeymap)),
          CM.EditorView.lineWrapping,
          CM.EditorView.contentAttributes.of({"aria-label": options.ariaLabel || "SPARQL query"}),
          CM.EditorView.updateListener.of(function (update) {
            if (!CM.currentCompletions(update.startState).length && CM.currentCompletions(update.state).length) {
              listOpened = Date.now();
            }
            if (update.docChanged) {
              view.dispatch(CM.setDiagnostics(update.state, []));
              if (options.onChange) options.onChange(update.state.doc.toString());
            }
          })
        ]
      })
    });

    return {
      view: view,
      get: function () { return view.state.doc.toString(); },
      set: function (text) {
        view.dispatch({changes: {from: 0, to: view.state.doc.length, insert: text}});
      },
      focus: function () { view.focus(); },
      addPrefixLines: function (names) {
        var text = view.state.doc.toString();
        var lines = names ? names.filter(function (p) { return !declared(text)[p]; })
          .map(function (p) { return "PREFIX " + p + ": <" + prefixes[p] + ">"; })
          : missingPrefixLines(text, prefixes);
        if (lines.length) view.dispatch({changes: {from: 0, insert: lines.join("\n") + "\n"}});
      },
      /* An error from the server at a line and column (1-based), with its plain message. */
      showError: function (line, column, message) {
        var doc = view.state.doc;
        var at = Math.min(Math.max(line, 1), doc.lines);
        var lineInfo = doc.line(at);
        var from = Math.min(lineInfo.from + Math.max(column - 1, 0), lineInfo.to);
        var to = Math.min(from + 1, doc.length);
        view.dispatch(CM.setDiagnostics(view.state, [{from: from, to: Math.max(to, from), severity: "error", message: message}]));
        view.dispatch({selection: {anchor: from}, scrollIntoView: true});
      },
      clearError: function () { view.dispatch(CM.setDiagnostics(view.state, [])); },
      /* Whether Enter now takes the selected completion, as CodeMirror decides it: a list
       * is open, no source is still being asked (while one is, the list shown is the
       * previous one, disabled), and it has been open for the interaction delay. */
      completionReady: function () {
        return CM.completionStatus(view.state) === "active" &&
          CM.currentCompletions(view.state).length > 0 && Date.now() - listOpened >= INTERACTION_DELAY;
      }
    };
  }

  root.G60Editor = {create: create, missingPrefixLines: missingPrefixLines};
})(window);

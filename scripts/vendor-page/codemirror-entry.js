// The parts of CodeMirror 6 the query page uses, bundled by scripts/vendor-page.sh
// into one IIFE (static/vendor/codemirror.js) that sets window.CM. Our own page code
// (static/server-editor.js) stays unbundled and readable.
export { EditorState, Compartment, StateEffect, StateField } from "@codemirror/state";
export {
  EditorView, keymap, lineNumbers, highlightActiveLine, highlightActiveLineGutter,
  highlightSpecialChars, drawSelection, placeholder
} from "@codemirror/view";
export {
  StreamLanguage, syntaxHighlighting, defaultHighlightStyle, bracketMatching, indentOnInput
} from "@codemirror/language";
export { defaultKeymap, history, historyKeymap, indentWithTab } from "@codemirror/commands";
export { searchKeymap, highlightSelectionMatches } from "@codemirror/search";
export {
  autocompletion, completionKeymap, closeBrackets, closeBracketsKeymap, startCompletion,
  completionStatus, currentCompletions, acceptCompletion
} from "@codemirror/autocomplete";
export { linter, lintGutter, setDiagnostics, forceLinting } from "@codemirror/lint";
export { sparql } from "@codemirror/legacy-modes/mode/sparql";

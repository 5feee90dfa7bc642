/* The rich-text editor of a catalogue entry's body (Quill 2, vendored under vendor/quill-2.0.3).
 *
 * Without JavaScript (or if Quill fails to load) the text area stays and takes plain text or simple
 * HTML. With it, the text area is hidden and an editor takes its place: headings, bold, italic, lists,
 * tables, quotes and links, and pasting from Word keeps them (Quill reads Word's list paragraphs) while
 * styles and scripts are dropped. On submit the editor's HTML goes back into the text area; the server
 * cleans it again with nh3 (content.sanitize_html), so the editor is a convenience, never the guard.
 * Loaded as a static file: no inline script or style (the site's Content-Security-Policy).
 */
(function () {
  "use strict";

  var FORMATS = [
    "header", "bold", "italic", "underline", "link", "list", "blockquote",
    "table", "table-row", "table-body", "table-container"
  ];
  var TOOLBAR = [
    [{ header: [2, 3, 4, false] }],
    ["bold", "italic", "underline"],
    [{ list: "ordered" }, { list: "bullet" }],
    ["blockquote", "link"],
    ["clean"]
  ];

  function setUp(textarea) {
    if (typeof window.Quill === "undefined" || !textarea.form) {
      return;
    }
    var holder = document.createElement("div");
    holder.className = "cm-editor";
    var surface = document.createElement("div");
    holder.appendChild(surface);
    textarea.parentNode.insertBefore(holder, textarea.nextSibling);
    var quill = new window.Quill(surface, {
      theme: "snow",
      formats: FORMATS,
      modules: { toolbar: TOOLBAR, table: true }
    });
    if (textarea.value.trim()) {
      quill.clipboard.dangerouslyPasteHTML(textarea.value, "silent");
    }
    var label = document.querySelector("label[for='" + textarea.id + "']");
    quill.root.setAttribute("role", "textbox");
    quill.root.setAttribute("aria-multiline", "true");
    if (label) {
      if (!label.id) {
        label.id = textarea.id + "_label";
      }
      quill.root.setAttribute("aria-labelledby", label.id);
    }
    var help = textarea.getAttribute("aria-describedby");
    if (help) {
      quill.root.setAttribute("aria-describedby", help);
    }
    textarea.hidden = true;
    textarea.setAttribute("data-rich-editor-ready", "true");
    if (label) {
      label.addEventListener("click", function () {
        quill.focus();
      });
    }
    textarea.form.addEventListener("submit", function () {
      textarea.value = quill.getLength() > 1 ? quill.getSemanticHTML() : "";
    });
  }

  function start() {
    var areas = document.querySelectorAll("textarea[data-rich-editor]");
    for (var i = 0; i < areas.length; i += 1) {
      setUp(areas[i]);
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();

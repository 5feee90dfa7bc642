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

  // Word's clipboard HTML, made plain before the editor reads it (as content.word_lists does on the
  // server): its list paragraphs (style "mso-list", the bullet or number between "supportLists" markers)
  // become lists, and every style attribute, event handler, style sheet, script and conditional block
  // goes. The editor parses pasted HTML in a document of its own that inherits the page's CSP, so leaving
  // the styles in would log a violation per styled element (and they are dropped anyway).
  var LIST_PARAGRAPH = /<p\b[^>]*mso-list:[^>]*>([\s\S]*?)<\/p>/gi;
  var BULLET = /<!(?:--)?\[if !supportLists\](?:--)?>([\s\S]*?)<!(?:--)?\[endif\](?:--)?>/gi;
  // A number ("1.", "(a)", "一、") rather than a bullet: an ordered list.
  var NUMERALS = "0-9a-zA-Z\u4e00\u4e8c\u4e09\u56db\u4e94\u516d\u4e03\u516b\u4e5d\u5341";
  var ORDERED = new RegExp("^\\s*\\(?[" + NUMERALS + "]+[.)\u3001\uff0e\uff09]");

  function markerOf(body) {
    var found = new RegExp(BULLET.source, "i").exec(body);
    if (!found) {
      return "";
    }
    var holder = document.createElement("textarea"); // decodes entities without parsing markup
    holder.innerHTML = found[1].replace(/<[^>]*>/g, "");
    return holder.value;
  }

  function wordLists(html) {
    var out = "";
    var pos = 0;
    var current = null;
    var match;
    LIST_PARAGRAPH.lastIndex = 0;
    while ((match = LIST_PARAGRAPH.exec(html)) !== null) {
      var between = html.slice(pos, match.index);
      if (current && between.trim()) {
        out += "</" + current + ">";
        current = null;
      }
      out += between;
      var kind = ORDERED.test(markerOf(match[1])) ? "ol" : "ul";
      if (current !== kind) {
        if (current) {
          out += "</" + current + ">";
        }
        out += "<" + kind + ">";
        current = kind;
      }
      out += "<li>" + match[1].replace(BULLET, "") + "</li>";
      pos = match.index + match[0].length;
    }
    if (current) {
      out += "</" + current + ">";
    }
    return out + html.slice(pos);
  }

  function plainHtml(html) {
    return wordLists(html)
      .replace(BULLET, "")
      .replace(/<!--\[if [^\]]*\]>[\s\S]*?<!\[endif\]-->/gi, "")
      .replace(/<(style|script|noscript|template|xml)\b[\s\S]*?<\/\1\s*>/gi, "")
      .replace(/\s(style|on[a-z]+)\s*=\s*("[^"]*"|'[^']*'|[^\s>]*)/gi, "");
  }

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
    // What a browser would run or style is dropped on paste, its text too (the server drops it as well).
    var Delta = window.Quill.import("delta");
    ["SCRIPT", "STYLE", "NOSCRIPT", "TEMPLATE", "OBJECT", "EMBED", "IFRAME"].forEach(function (name) {
      quill.clipboard.addMatcher(name, function () {
        return new Delta();
      });
    });
    // Paste through plainHtml (the clipboard's own HTML is never parsed with its styles).
    quill.root.addEventListener(
      "paste",
      function (event) {
        var data = event.clipboardData;
        var html = data ? data.getData("text/html") : "";
        if (!html) {
          return; // plain text: the editor's own paste
        }
        event.preventDefault();
        event.stopPropagation();
        var range = quill.getSelection(true);
        var pasted = quill.clipboard.convert({ html: plainHtml(html), text: data.getData("text/plain") });
        var change = new Delta().retain(range.index).delete(range.length).concat(pasted);
        quill.updateContents(change, "user");
        quill.setSelection(range.index + pasted.length(), 0, "silent");
        quill.scrollSelectionIntoView();
      },
      true
    );
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

// The whole-document editor: django-prose-editor's vendored Tiptap (static/django_prose_editor,
// loaded from this site, no CDN) with the report's schema only — 部分标题 (h2), paragraphs, bold
// (a paragraph's leading bold run is its 小标题) and figures as atomic chips. Our own toolbar with
// Chinese labels replaces the package's icon menu. The HTML goes to the server, which reads it
// with an allow-list (reports/document.py); the preview pane shows the server's escaped render.
const form = document.getElementById("write-form");
if (form) {
  const { Editor, Node, mergeAttributes, Document, Paragraph, Text, HardBreak, Heading, Bold, UndoRedo, History } =
    await import(form.getAttribute("data-editor-module"));

  const FigureChip = Node.create({
    name: "figureChip",
    group: "inline",
    inline: true,
    atom: true,
    selectable: true,
    draggable: false,
    addAttributes() {
      return {
        name: {
          default: "",
          parseHTML: (el) => el.getAttribute("data-figure") || "",
          renderHTML: (attrs) => ({ "data-figure": attrs.name }),
        },
        label: {
          default: "",
          parseHTML: (el) => el.getAttribute("data-label") || "",
          renderHTML: (attrs) => ({ "data-label": attrs.label }),
        },
        value: {
          default: "",
          parseHTML: (el) => el.getAttribute("data-value") || "",
          renderHTML: (attrs) => ({ "data-value": attrs.value }),
        },
      };
    },
    parseHTML() {
      return [{ tag: "span[data-figure]" }];
    },
    renderHTML({ node, HTMLAttributes }) {
      const words = node.attrs.label || node.attrs.name;
      const label = node.attrs.value ? words + " " + node.attrs.value : words;
      return ["span", mergeAttributes(HTMLAttributes, { class: "figure-chip", contenteditable: "false" }), label];
    },
  });

  const source = document.getElementById("write-document");
  const pane = document.getElementById("write-preview");
  const title = document.getElementById("write-title");
  const toolbar = document.getElementById("write-toolbar");
  const url = form.getAttribute("data-preview-url");
  let timer = null;
  let sequence = 0;
  let lastField = null; // the title input or the editor, whichever had the caret last

  const editor = new Editor({
    element: document.getElementById("write-editor"),
    extensions: [
      Document,
      Paragraph,
      Text,
      HardBreak, // Shift+Enter: a line break within a paragraph, kept as one in the text
      Heading.configure({ levels: [2] }),
      Bold,
      UndoRedo || History,
      FigureChip,
    ],
    content: source.value,
    parseOptions: { preserveWhitespace: "full" }, // the text's spaces exactly as stored
    injectCSS: false,
  });
  editor.view.dom.setAttribute("aria-label", "全文");
  editor.view.dom.id = "write-text";

  function sync() {
    source.value = editor.getHTML();
  }

  function refresh() {
    sync();
    const mine = ++sequence;
    fetch(url, { method: "POST", body: new FormData(form), credentials: "same-origin" })
      .then((response) => response.text())
      .then((html) => {
        if (mine === sequence) {
          pane.innerHTML = html; // the server's render: every text in it escaped
          pane.setAttribute("data-sequence", String(mine));
        }
      })
      .catch(() => {
        pane.textContent = "预览暂时无法生成，请稍后重试或直接保存。";
      });
  }

  function later() {
    clearTimeout(timer);
    timer = setTimeout(refresh, 400);
  }

  function mark() {
    toolbar.querySelectorAll("button[data-command]").forEach((button) => {
      const command = button.getAttribute("data-command");
      const on =
        (command === "heading" && editor.isActive("heading")) ||
        (command === "paragraph" && editor.isActive("paragraph")) ||
        (command === "bold" && editor.isActive("bold"));
      button.setAttribute("aria-pressed", on ? "true" : "false");
    });
  }

  editor.on("update", () => {
    sync();
    later();
  });
  editor.on("selectionUpdate", mark);
  editor.on("focus", () => {
    lastField = "editor";
  });
  title.addEventListener("focus", () => {
    lastField = "title";
  });
  title.addEventListener("input", later);
  form.addEventListener("submit", sync);

  const COMMANDS = {
    heading: (c) => c.setHeading({ level: 2 }),
    paragraph: (c) => c.setParagraph(),
    bold: (c) => c.toggleBold(),
    undo: (c) => c.undo(),
    redo: (c) => c.redo(),
  };
  toolbar.hidden = false;
  toolbar.addEventListener("mousedown", (event) => {
    if (event.target.closest("button")) event.preventDefault(); // keep the caret in the text
  });
  toolbar.addEventListener("click", (event) => {
    const button = event.target.closest("button[data-command]");
    if (!button) return;
    COMMANDS[button.getAttribute("data-command")](editor.chain().focus()).run();
    mark();
  });

  // A figure from the list (figures.js) becomes a chip at the caret, unless the title has it.
  const picker = document.getElementById("figure-picker");
  if (picker) {
    picker.addEventListener("figure-insert", (event) => {
      if (lastField === "title") return;
      event.preventDefault();
      const { name, value } = event.detail;
      editor
        .chain()
        .focus()
        .insertContent([{ type: "figureChip", attrs: { name: name, value: value === "—" ? "" : value } }])
        .run();
    });
  }

  form.setAttribute("data-ready", "true");
  mark();
  refresh();
}

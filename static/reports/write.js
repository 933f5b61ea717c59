// The whole-document editor: django-prose-editor's vendored Tiptap (static/django_prose_editor,
// loaded from this site, no CDN) with the report's schema only — 部分标题 (h2), paragraphs, bold
// words (Ctrl+B), the 小标题 (a mark of its own, <strong data-lead>, that only 加粗小标题 makes, so
// bold at a paragraph's start stays bold words), bulleted and numbered lists and figures as atomic
// chips. Our own toolbar with
// Chinese labels replaces the package's icon menu. The HTML goes to the server, which reads it
// with an allow-list (reports/document.py); the preview pane shows the server's escaped render.
const form = document.getElementById("write-form");
if (form) {
  const {
    Editor,
    Node,
    Mark,
    mergeAttributes,
    Document,
    Paragraph,
    Text,
    HardBreak,
    Heading,
    Bold,
    BulletList,
    OrderedList,
    ListItem,
    UndoRedo,
    History,
  } = await import(form.getAttribute("data-editor-module"));

  // A paragraph's 小标题: bold like Bold, but its own mark, read back only from <strong data-lead>.
  const Lead = Mark.create({
    name: "lead",
    excludes: "bold",
    parseHTML() {
      return [{ tag: "strong[data-lead]", priority: 60 }];
    },
    renderHTML() {
      return ["strong", { "data-lead": "" }, 0];
    },
  });

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
      Lead,
      Bold,
      BulletList,
      OrderedList,
      ListItem,
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
        (command === "paragraph" && editor.isActive("paragraph") && !editor.isActive("listItem")) ||
        (command === "lead" && editor.isActive("lead")) ||
        (command === "bold" && editor.isActive("bold")) ||
        (command === "bulletList" && editor.isActive("bulletList")) ||
        (command === "orderedList" && editor.isActive("orderedList"));
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
    paragraph: (c) => (editor.isActive("listItem") ? c.liftListItem("listItem") : c.setParagraph()),
    lead: (c) => c.toggleMark("lead"),
    bold: (c) => c.toggleBold(),
    bulletList: (c) => c.toggleBulletList(),
    orderedList: (c) => c.toggleOrderedList(),
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

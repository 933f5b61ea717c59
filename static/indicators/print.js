// The dashboard's print view: the 打印 button opens the browser's print dialog (A4, print.css).
document.addEventListener("DOMContentLoaded", () => {
  const button = document.getElementById("print-now");
  if (button) button.addEventListener("click", () => window.print());
});

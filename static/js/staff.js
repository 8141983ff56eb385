// Staff pages: choosing a prepared reply copies its text into the answer, where the
// officer can still edit it. Without JavaScript the server uses the reply when the
// answer is left empty.
document.addEventListener("change", (event) => {
  const select = event.target.closest("select[data-canned-target]");
  if (!select) return;
  const target = document.getElementById(select.dataset.cannedTarget);
  const source = select.form.querySelector(`[data-canned="${select.value}"]`);
  if (target && source) target.value = source.textContent;
});

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

// Routing away from the topic's ministry: the confirmation box shows as soon as another
// ministry is chosen (without JavaScript the server asks for it after a first try).
document.addEventListener("change", (event) => {
  const select = event.target.closest("select");
  const confirmBox = select && select.form && select.form.querySelector("[data-route-confirm]");
  if (!confirmBox) return;
  confirmBox.hidden = select.value === "" || select.value === confirmBox.dataset.suggested;
});

// After a preview, bring the preview into view for keyboard and screen-reader users.
const preview = document.querySelector("[data-answer-preview]");
if (preview) preview.focus();

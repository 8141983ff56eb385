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
// On the queue's bulk form it shows when the chosen ministry differs from the suggestion
// of any ticked request.
function bulkNeedsConfirmation(form) {
  const action = form.querySelector("select[name=bulk_action]");
  const ministry = form.querySelector("select[name=ministry]");
  if (!action || action.value !== "route" || !ministry || ministry.value === "") return false;
  return [...form.querySelectorAll("input[name=items]:checked")].some(
    (item) => item.dataset.suggested !== "" && item.dataset.suggested !== ministry.value,
  );
}

document.addEventListener("change", (event) => {
  const form = event.target.form;
  const confirmBox = form && form.querySelector("[data-route-confirm]");
  if (!confirmBox) return;
  if ("bulk" in confirmBox.dataset) {
    // Once the server has asked (after a first try), the box stays.
    const asked = confirmBox.classList.contains("form-group--error");
    confirmBox.hidden = !asked && !bulkNeedsConfirmation(form);
    return;
  }
  const select = event.target.closest("select");
  if (!select) return;
  confirmBox.hidden = select.value === "" || select.value === confirmBox.dataset.suggested;
});

// After a preview, bring the preview into view for keyboard and screen-reader users.
const preview = document.querySelector("[data-answer-preview]");
if (preview) preview.focus();

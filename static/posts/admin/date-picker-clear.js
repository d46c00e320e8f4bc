/* The admin's date/time picker opens below its field, where it can hide the
 * button that saves it ("Save schedule" in the publishing schedule dialog, the
 * editor's "Save draft" bar). When the open picker would cover a visible save
 * button, it moves above the field, or beside it when there is no room above. */
(() => {
  const PICKER = ".xdsoft_datetimepicker";
  const SAVE = 'button[type="submit"], .action-save, [data-w-dropdown-target="toggle"]';

  const overlaps = (a, b) =>
    a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;

  const visibleButtons = () =>
    [...document.querySelectorAll(SAVE)].filter((button) => {
      const box = button.getBoundingClientRect();
      return box.width > 0 && box.height > 0;
    });

  const coversASaveButton = (picker) => {
    const box = picker.getBoundingClientRect();
    return visibleButtons().some((button) => overlaps(box, button.getBoundingClientRect()));
  };

  // Where the picker's coordinates start: the page, or the dialog holding it.
  const originOf = (picker) => {
    const parent = picker.offsetParent;
    if (!parent || parent === document.body || parent === document.documentElement) {
      return { top: -window.scrollY, left: -window.scrollX };
    }
    const box = parent.getBoundingClientRect();
    return { top: box.top - parent.scrollTop, left: box.left - parent.scrollLeft };
  };

  const clear = (input) => {
    const picker = [...document.querySelectorAll(PICKER)].find(
      (element) => element.style.display === "block",
    );
    if (!picker || !coversASaveButton(picker)) return;
    const field = input.getBoundingClientRect();
    if (field.width === 0) return;
    const origin = originOf(picker);
    const height = picker.offsetHeight;
    picker.style.top = `${field.top - origin.top - height - 4}px`;
    if (picker.getBoundingClientRect().top >= 0 && !coversASaveButton(picker)) return;
    // No room above: beside the field, level with it.
    picker.style.top = `${field.top - origin.top}px`;
    picker.style.left = `${field.right - origin.left + 8}px`;
  };

  // The picker places itself whenever it opens or its field moves: look again
  // each time its style changes (once clear of the buttons, it is left alone).
  const watched = new WeakSet();
  const watch = () => {
    document.querySelectorAll(PICKER).forEach((picker) => {
      if (watched.has(picker)) return;
      watched.add(picker);
      new MutationObserver(() => {
        const input = document.activeElement;
        if (picker.style.display === "block" && input instanceof HTMLInputElement) {
          clear(input);
        }
      }).observe(picker, { attributes: true, attributeFilter: ["style"] });
    });
  };
  document.addEventListener("focusin", () => requestAnimationFrame(watch));
})();

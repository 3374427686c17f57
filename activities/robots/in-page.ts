/// <reference lib="dom" />
/// <reference lib="dom.iterable" />

/**
 * What a robot looks up inside the portal's page, in one round trip each: controls by their label, buttons by
 * their name, tables by their caption — as a person reads the page, with no CSS paths. These functions run in
 * Chromium, so they use nothing from outside their own body, and name no inner functions (tsx would wrap those in a
 * helper the page does not have).
 */

export type ControlKind = 'field' | 'button' | 'table';

/** The elements of this kind that the page names `names`, in their order, or null while any of them is missing. */
export function findNamed(kind: ControlKind, names: string[]): Element[] | null {
  // Each candidate with the text that names it, spaces collapsed.
  const named: Array<[Element, string | null | undefined]> =
    kind === 'button'
      ? [...document.querySelectorAll('button, input[type="submit"]')].map((b) => [b, b.textContent || (b as HTMLInputElement).value])
      : kind === 'table'
        ? [...document.querySelectorAll('table')].map((t) => [t, t.caption?.textContent ?? t.getAttribute('aria-label')])
        : [
            ...[...document.querySelectorAll('label')].map((l): [Element, string | null] => [l, l.textContent]),
            ...[...document.querySelectorAll('[aria-label]')].map((e): [Element, string | null] => [e, e.getAttribute('aria-label')]),
          ];
  const found = names.map((name) => {
    const match = named.find(([, text]) => (text ?? '').replace(/\s+/g, ' ').trim() === name)?.[0];
    return match instanceof HTMLLabelElement ? match.control : (match ?? null);
  });
  return found.every((element) => element !== null) ? (found as Element[]) : null;
}

/**
 * Sets text fields, or picks drop-downs' options by their value or text, in order, and tells the page as typing would.
 * Returns the index of the first control it cannot set, and why.
 */
export function setValues(controls: Element[], values: string[]): [number, string] | undefined {
  for (const [index, control] of controls.entries()) {
    const value = values[index];
    if (control instanceof HTMLSelectElement) {
      const option = [...control.options].find((o) => o.value === value || o.text.trim() === value);
      if (!option) return [index, `has no option "${value}"`];
      control.value = option.value;
    } else if (control instanceof HTMLInputElement || control instanceof HTMLTextAreaElement) {
      control.focus();
      control.value = value;
    } else {
      return [index, 'is not a field'];
    }
    control.dispatchEvent(new Event('input', { bubbles: true }));
    control.dispatchEvent(new Event('change', { bubbles: true }));
  }
  return undefined;
}

/** The rows of the table found, each as column header → cell text. */
export function tableRows([table]: Element[]): Array<Record<string, string>> {
  const headers = [...table.querySelectorAll('thead th')].map((th) => th.textContent?.trim() ?? '');
  return [...table.querySelectorAll('tbody tr')].map((tr) =>
    Object.fromEntries([...tr.querySelectorAll('td')].map((td, i) => [headers[i], td.textContent?.trim() ?? ''])),
  );
}

/** The text of the control found, e.g. an id the portal generated. */
export function trimmedText([control]: Element[]): string {
  return control.textContent?.trim() ?? '';
}

/**
 * Clicks the button found as a person would: only a button that shows, and after moving the focus to it, so the field
 * typed last hears that it was left (portals format or copy a field's value then). Returns why it cannot.
 */
export function clickFound([button]: Element[]): string | undefined {
  if (!(button instanceof HTMLElement) || !button.checkVisibility()) return 'is not shown';
  button.focus();
  button.click();
  return undefined;
}

/** What the page says after a navigation: whether it asks to sign in, and its messages to the user (its alerts). */
export interface PageState {
  asksToSignIn: boolean;
  alerts: string[];
}

export function pageState(): PageState {
  return {
    asksToSignIn: document.querySelector('input[type="password"]') !== null,
    alerts: [...document.querySelectorAll('[role="alert"]')].map((e) => e.textContent?.trim() ?? '').filter(Boolean),
  };
}

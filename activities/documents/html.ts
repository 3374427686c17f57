const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Tagged template for documents: every interpolated value is HTML-escaped. */
export function html(strings: TemplateStringsArray, ...values: unknown[]): string {
  return strings.reduce((out, text, i) => out + text + (i < values.length ? String(values[i]).replace(/[&<>"']/g, (c) => ENTITIES[c]) : ''), '');
}

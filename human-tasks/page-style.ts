import { SafeHtml } from '../activities/documents/html';

/**
 * The look of the pages officeflow serves people: one style sheet, inlined by the page shell (the Content-Security-Policy
 * allows inline styles, and a page needs no second request). No framework and no script: a header bar, one readable
 * column, tasks as a table with their due state as a badge, verdicts as real buttons. Colours keep WCAG AA contrast
 * (text 4.5:1, borders and focus rings 3:1); below 36rem fields take the full width of a phone. It is officeflow's own
 * text, so it goes into the page as it is, unescaped.
 */
export const PAGE_STYLE = new SafeHtml(`
:root {
  color-scheme: light;
  --ink: #1f2328;
  --muted: #57606a;
  --line: #d0d7de;
  --edge: #6e7781;
  --paper: #ffffff;
  --ground: #f4f6f8;
  --bar: #1b2a41;
  --accent: #1d4ed8;
  --accent-dark: #1e3a8a;
  --danger: #b42318;
  --danger-dark: #8a1a12;
  --focus: #1d4ed8;
  font: 100%/1.5 system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif;
}
* { box-sizing: border-box; }
body { margin: 0; color: var(--ink); background: var(--ground); }
a { color: var(--accent); text-underline-offset: 0.15em; }
a:hover { color: var(--accent-dark); }
:focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; }

.bar { background: var(--bar); color: #fff; }
.bar-inner { max-width: 52rem; margin: 0 auto; padding: 0.6rem 1rem; display: flex; flex-wrap: wrap; gap: 0.5rem 1.5rem; align-items: center; justify-content: space-between; }
.brand { font-weight: 700; font-size: 1.15rem; letter-spacing: 0.01em; }
.bar nav { flex: 1 1 auto; display: flex; flex-wrap: wrap; gap: 0.5rem 1rem; align-items: center; }
.bar a { color: #fff; }
.bar :focus-visible { outline-color: #ffd33d; }
.bar form { display: flex; flex-wrap: wrap; gap: 0.5rem; align-items: center; margin: 0 0 0 auto; }
.person { color: #dfe6ee; overflow-wrap: anywhere; }

main { max-width: 52rem; margin: 0 auto; padding: 1.5rem 1rem 3rem; }
h1 { font-size: 1.6rem; line-height: 1.25; margin: 0 0 1rem; }
h2 { font-size: 1.15rem; margin: 2rem 0 0.75rem; }
.card { background: var(--paper); border: 1px solid var(--line); border-radius: 8px; padding: 1rem 1.25rem; margin: 0 0 1rem; }
.muted { color: var(--muted); }
.meta { display: flex; flex-wrap: wrap; gap: 0.25rem 1rem; align-items: center; color: var(--muted); margin: 0 0 1rem; }
pre { white-space: pre-wrap; overflow-wrap: anywhere; font: inherit; margin: 0; }
[role='status'] { border-left: 4px solid #1a7f37; background: #e9f6ec; padding: 0.6rem 1rem; border-radius: 4px; }
[role='alert'] { border-left: 4px solid var(--danger); background: #fdeceb; padding: 0.6rem 1rem; border-radius: 4px; }

table { width: 100%; border-collapse: collapse; background: var(--paper); border: 1px solid var(--line); border-radius: 8px; }
caption { text-align: left; font-weight: 600; padding: 0 0 0.5rem; }
th, td { text-align: left; vertical-align: top; padding: 0.7rem 1rem; border-bottom: 1px solid var(--line); }
th { font-size: 0.85rem; text-transform: uppercase; letter-spacing: 0.04em; color: var(--muted); background: var(--ground); }
tbody tr:last-child td { border-bottom: 0; }
td a { font-weight: 600; }
.task-process { display: block; font-size: 0.9rem; color: var(--muted); }
.due { white-space: nowrap; }

.badge { display: inline-block; margin-left: 0.4rem; padding: 0 0.5rem; border-radius: 999px; font-size: 0.8rem; font-weight: 700; border: 1px solid; }
.badge.overdue { color: #8a1a12; background: #fdeceb; border-color: #c8413a; }
.badge.today { color: #6a4200; background: #fff4d6; border-color: #a86f00; }

form { margin: 0; }
.field { display: flex; flex-direction: column; gap: 0.3rem; margin: 0 0 1rem; }
.field.check { flex-direction: row; align-items: center; gap: 0.5rem; }
label { font-weight: 600; }
.hint { font-size: 0.9rem; color: var(--muted); margin: 0; }
input, select, textarea { font: inherit; color: var(--ink); background: var(--paper); border: 1px solid var(--edge); border-radius: 6px; padding: 0.5rem 0.6rem; max-width: 100%; }
input[type='checkbox'] { width: 1.2rem; height: 1.2rem; accent-color: var(--accent); }
textarea { width: 100%; }
input[type='email'], select { width: 26rem; }

.filters { display: flex; flex-wrap: wrap; gap: 0 1rem; align-items: flex-end; padding-bottom: 0.25rem; }
.filters select { width: auto; }
.filters .field { margin-bottom: 0.75rem; }
/* As tall as a select beside it, so the box sits on the same line. */
.filters .field.check { min-height: 2.65rem; }
.actions { display: flex; flex-wrap: wrap; gap: 0.75rem; align-items: center; margin: 0.5rem 0 0.75rem; }

button { font: inherit; font-weight: 600; cursor: pointer; border-radius: 6px; padding: 0.55rem 1.1rem; border: 1px solid var(--edge); color: var(--ink); background: var(--paper); }
button:hover { background: var(--ground); }
button.primary { color: #fff; background: var(--accent); border-color: var(--accent); }
button.primary:hover { background: var(--accent-dark); }
button.danger { color: var(--danger); border-color: var(--danger); }
button.danger:hover { color: #fff; background: var(--danger-dark); }
.bar button { color: #fff; background: transparent; border-color: #9fb0c5; padding: 0.3rem 0.8rem; }
.bar button:hover { background: #2c3f5c; }

.timeline { list-style: none; margin: 0; padding: 0; }
.timeline li { padding: 0.6rem 0 0.6rem 1rem; border-left: 3px solid var(--line); }
.timeline time { display: block; font-size: 0.9rem; color: var(--muted); }

@media (max-width: 36rem) {
  h1 { font-size: 1.35rem; }
  th, td { padding: 0.6rem 0.75rem; }
  .due { white-space: normal; }
  input[type='email'], select, .filters select { width: 100%; }
  .filters { display: block; }
  .actions button { flex: 1 1 auto; }
}
`);

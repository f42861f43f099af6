// Client side of "Your addresses": reads the form, derives every variable with the engine's own
// siteVariables() (one definition, so the page shows what the installer would run for that
// site), swaps the text of each site-variable marker, rewrites each copy button's text and
// redraws the network diagram. Its sentences come translated from the bar's data-rb-text-*.
import { siteSchema } from '../../../src/site-file/schema.ts';
import { siteVariables } from '../../../src/site-file/variables.ts';
import { substitute } from '../../../src/runbook/variable-refs.ts';
import { ADDRESS_FIELDS, siteFromFields } from '../lib/address-fields.ts';
import {
  networkDiagramSvg,
  type DiagramLabels,
  type DiagramLayout,
} from '../lib/network-diagram.ts';
import { fillLabel } from '../lib/placeholders.ts';
import { realignOutput, rememberWidth } from './output-columns.ts';

const STORAGE_KEY = 'cloudstack-runbook:addresses';

interface Stored {
  values: Record<string, string>;
  showVariables: boolean;
}

function load(): Stored {
  try {
    const parsed = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? '{}') as Partial<Stored>;
    return { values: parsed.values ?? {}, showVariables: Boolean(parsed.showVariables) };
  } catch {
    return { values: {}, showVariables: false };
  }
}

function save(stored: Stored): void {
  try {
    localStorage.setItem(STORAGE_KEY, JSON.stringify(stored));
  } catch {
    // Private mode or storage full: the values still apply to this page.
  }
}

/** A sentence of the bar, translated on the server (data-rb-text-<name>). */
function text(name: string, values: Record<string, string> = {}): string {
  const root = document.querySelector<HTMLElement>('[data-rb-addresses]');
  return fillLabel(root?.getAttribute(`data-rb-text-${name}`) ?? '', values);
}

/** The variables for the reader's values, or the problem that stops them (then defaults apply). */
function variablesFor(values: Record<string, string>): {
  variables: Record<string, string>;
  error?: string;
} {
  const defaultSite = siteSchema.parse({});
  const defaults = siteVariables(defaultSite);
  const parsed = siteSchema.safeParse(siteFromFields(values, defaultSite));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return {
      variables: defaults,
      error: `${issue?.path.join('.') ?? 'value'}: ${issue?.message ?? 'not valid'}`,
    };
  }
  const variables = siteVariables(parsed.data);
  const empty = Object.entries(variables).find(
    ([name, value]) => value === '' && defaults[name] !== '',
  );
  if (empty) return { variables: defaults, error: text('empty', { name: empty[0] }) };
  return { variables };
}

function apply(stored: Stored): string | undefined {
  const { variables, error } = variablesFor(stored.values);
  for (const marker of document.querySelectorAll<HTMLElement>('.rb-var--site[data-var]')) {
    const name = marker.dataset.var!;
    rememberWidth(marker);
    marker.textContent = stored.showVariables
      ? `\${${name}}`
      : (variables[name] ?? marker.textContent);
  }
  realignOutput();
  // Expressive Code's copy buttons copy `data-code` (newlines as U+007F). Keep the raw text once.
  for (const button of document.querySelectorAll<HTMLButtonElement>(
    '.expressive-code .copy button',
  )) {
    const template = (button.dataset.rbTemplate ??= button.dataset.code ?? '');
    button.dataset.code = stored.showVariables
      ? template
      : substitute(template, variables).replace(/\n/g, '\u007f');
  }
  const status = document.querySelector<HTMLElement>('[data-rb-status]');
  if (status) {
    const personal = Object.values(stored.values).some((v) => v.trim() !== '');
    const address = variables.MGMT_IP ?? '';
    status.textContent = stored.showVariables
      ? text('variables')
      : text(personal && !error ? 'personal' : 'default', { address });
  }
  drawDiagrams(
    stored.showVariables
      ? {
          ...Object.fromEntries(Object.keys(variables).map((name) => [name, `\${${name}}`])),
          ALL_IN_ONE: variables.ALL_IN_ONE ?? 'yes',
        }
      : variables,
  );
  return error;
}

function drawDiagrams(variables: Record<string, string>): void {
  for (const figure of document.querySelectorAll<HTMLElement>('[data-rb-diagram]')) {
    const labels = JSON.parse(figure.dataset.rbLabels ?? '{}') as DiagramLabels;
    for (const holder of figure.querySelectorAll<HTMLElement>('[data-rb-layout]'))
      holder.innerHTML = networkDiagramSvg(
        variables,
        labels,
        holder.dataset.rbLayout as DiagramLayout,
      );
  }
}

export function startAddresses(): void {
  let stored = load();
  apply(stored);
  const root = document.querySelector<HTMLElement>('[data-rb-addresses]');
  const form = root?.querySelector<HTMLFormElement>('[data-rb-form]');
  const dialog = root?.querySelector<HTMLDialogElement>('[data-rb-dialog]');
  const open = root?.querySelector<HTMLButtonElement>('[data-rb-open]');
  const errorBox = root?.querySelector<HTMLElement>('[data-rb-error]');
  if (!root || !form || !dialog || !open || !errorBox) return;

  for (const field of ADDRESS_FIELDS) {
    const input = form.elements.namedItem(field.path) as
      HTMLInputElement | HTMLTextAreaElement | null;
    if (input) input.value = stored.values[field.path] ?? '';
  }
  const toggle = form.elements.namedItem('showVariables') as HTMLInputElement;
  toggle.checked = stored.showVariables;

  const update = () => {
    const values: Record<string, string> = {};
    for (const field of ADDRESS_FIELDS) {
      const input = form.elements.namedItem(field.path) as
        HTMLInputElement | HTMLTextAreaElement | null;
      if (input && input.value.trim() !== '') values[field.path] = input.value;
    }
    stored = { values, showVariables: toggle.checked };
    const error = apply(stored);
    errorBox.hidden = !error;
    errorBox.textContent = error ? text('not-applied', { problem: error }) : '';
    if (!error) save(stored);
  };
  form.addEventListener('input', update);
  form.querySelector('[data-rb-reset]')?.addEventListener('click', () => {
    form.reset();
    update();
  });
  open.hidden = false;
  open.addEventListener('click', () => dialog.showModal());
  // Another tab changed the values: follow it.
  window.addEventListener('storage', (event) => {
    if (event.key === STORAGE_KEY) apply((stored = load()));
  });
}

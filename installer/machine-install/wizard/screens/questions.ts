// The machine installer's questions, one component each: language, which machine this is, the
// disk (with the erase confirmation naming it), the address, root's SSH key. Each gets what it
// offers from app.ts and answers through one callback; none keeps state another screen needs.
import React from 'react';
import { Box, Text, useInput } from 'ink';
import { t } from '../../../../src/i18n/translate.ts';
import type { Problem } from '../../../../src/diagnostics.ts';
import { describeDisk, type DiskVerdict } from '../../disks.ts';
import { describeNic, type Nic } from '../../nics.ts';
import { Frame, ProblemLine, colour, fit, h, useTerminalSize } from '../../../wizard/ui.ts';
// Our field, not @inkjs/ui's: control keys never land in the value, and Enter hands over the
// value as typed even when the key came before React re-rendered the last character.
import { TextField } from '../../../wizard/text-field.ts';
import { Pick } from './pick.ts';
import type { KeyOption, MachineOption, SiteSource } from '../choices.ts';
import { describeKey, pastedKeyProblem, roleName } from '../choices.ts';

/** Esc goes back where there is a "back". */
function useBack(onBack: (() => void) | undefined, active = true): void {
  useInput(
    (_input, key) => {
      if (key.escape && onBack) onBack();
    },
    { isActive: active && Boolean(onBack) },
  );
}

const keysLine = (back: boolean) =>
  back ? t('↑↓ choose · Enter go on · Esc back') : t('↑↓ choose · Enter go on');

export function LanguageScreen(props: {
  step: string;
  languages: { code: string; name: string }[];
  current: string;
  onChoose: (code: string) => void;
}): React.ReactElement {
  return h(
    Frame,
    { title: t('Install this machine'), step: props.step, keys: keysLine(false) },
    h(
      Text,
      null,
      t(
        'This installs Debian 12 for the CloudStack Runbook from this medium, with no network needed.',
      ),
    ),
    h(Box, { marginTop: 1 }, h(Text, { bold: true }, 'Language · 言語 · 语言')),
    h(Pick, {
      options: props.languages.map((l) => ({ value: l.code, label: l.name })),
      initial: props.current,
      onSelect: props.onChoose,
    }),
  );
}

export function MachineScreen(props: {
  step: string;
  options: MachineOption[];
  broken: SiteSource[];
  current?: string;
  onChoose: (value: string) => void;
  onBack?: () => void;
}): React.ReactElement {
  useBack(props.onBack);
  const { columns } = useTerminalSize();
  const label = (o: MachineOption) =>
    fit(
      `${o.machine.hostname}: ${roleName(o.machine.role)}, ${o.machine.address} (${o.source.where})`,
      columns - 4,
    );
  return h(
    Frame,
    { title: t('Which machine is this?'), step: props.step, keys: keysLine(Boolean(props.onBack)) },
    h(
      Text,
      null,
      t('The site file says what each machine is; this one becomes the machine you choose.'),
    ),
    ...props.broken.map((s, i) =>
      h(
        Box,
        { key: `b${i}`, flexDirection: 'column' },
        h(
          Text,
          { color: colour('yellow') },
          t('! The site file in {where} has {count} problem(s); fix it with `runbook check`:', {
            where: s.where,
            count: s.problems.length,
          }),
        ),
        h(ProblemLine, {
          message: s.problems[0]!.message,
          ...(s.problems[0]!.fix ? { fix: s.problems[0]!.fix } : {}),
          ...(s.problems[0]!.field ? { field: s.problems[0]!.field } : {}),
        }),
      ),
    ),
    h(Box, { marginTop: 1 }),
    h(Pick, {
      options: props.options.map((o) => ({ value: o.value, label: label(o) })),
      ...(props.current ? { initial: props.current } : {}),
      onSelect: props.onChoose,
    }),
  );
}

export function DiskScreen(props: {
  step: string;
  verdicts: DiskVerdict[];
  current?: string;
  onChoose: (name: string) => void;
  onBack?: () => void;
}): React.ReactElement {
  const [picked, setPicked] = React.useState<string | undefined>(undefined);
  useBack(picked ? () => setPicked(undefined) : props.onBack);
  const usable = props.verdicts.filter((v) => !v.refused);
  const refused = props.verdicts.filter((v) => v.refused);
  const chosen = usable.find((v) => v.disk.name === picked);
  if (chosen) {
    return h(
      Frame,
      { title: t('Erase this disk?'), step: props.step, keys: keysLine(true) },
      h(
        Text,
        { bold: true, color: colour('red') },
        t('Everything on {disk} will be erased:', { disk: describeDisk(chosen.disk) }),
      ),
      h(Text, null, t('its partitions, file systems, volumes and data. This cannot be undone.')),
      h(Box, { marginTop: 1 }),
      h(Pick, {
        key: 'erase',
        options: [
          {
            value: 'erase',
            label: t('Yes, erase {path} and install on it', { path: chosen.disk.path }),
          },
          { value: 'back', label: t('No, choose another disk') },
        ],
        initial: 'back',
        marked: false,
        onSelect: (v) => (v === 'erase' ? props.onChoose(chosen.disk.name) : setPicked(undefined)),
      }),
    );
  }
  return h(
    Frame,
    { title: t('Install on which disk?'), step: props.step, keys: keysLine(Boolean(props.onBack)) },
    usable.length === 0
      ? h(
          Text,
          { color: colour('red') },
          t('No disk of this machine can be used. Add a large enough disk and start again.'),
        )
      : h(Pick, {
          key: 'disks',
          options: usable.map((v) => ({ value: v.disk.name, label: describeDisk(v.disk) })),
          ...(props.current ? { initial: props.current } : {}),
          onSelect: setPicked,
        }),
    ...(refused.length > 0
      ? [h(Box, { key: 'gap', marginTop: 1 }, h(Text, { dimColor: true }, t('Not offered:')))]
      : []),
    ...refused.map((v, i) =>
      h(Text, { key: i, dimColor: true }, `  ${describeDisk(v.disk)}: ${v.refused}`),
    ),
  );
}

export function AddressScreen(props: {
  step: string;
  hostname: string;
  initial: string;
  network: { cidr: string; gateway: string; interface: string };
  nics: Nic[];
  /** The card already chosen, or the only possible one. */
  nic?: string;
  check: (address: string) => Problem[];
  onDone: (address: string, nic: string) => void;
  onBack?: () => void;
}): React.ReactElement {
  const [confirmed, setConfirmed] = React.useState<string | undefined>(undefined);
  const [problems, setProblems] = React.useState<Problem[]>([]);
  useBack(confirmed ? () => setConfirmed(undefined) : props.onBack);
  const submit = (value: string) => {
    const found = props.check(value);
    setProblems(found);
    if (found.length > 0) return;
    if (props.nic) props.onDone(value.trim(), props.nic);
    else setConfirmed(value.trim());
  };
  return h(
    Frame,
    {
      title: t('Address of {name}', { name: props.hostname }),
      step: props.step,
      keys: confirmed ? keysLine(true) : t('Enter go on · Esc back'),
    },
    h(Text, null, t('Network {cidr}, gateway {gateway} (from the site file).', props.network)),
    h(
      Box,
      { marginTop: 1 },
      h(Text, { bold: true }, `${t('IPv4 address:')} `),
      confirmed
        ? h(Text, null, confirmed)
        : h(TextField, { defaultValue: props.initial, onSubmit: submit }),
    ),
    ...problems.slice(0, 2).map((p, i) =>
      h(ProblemLine, {
        key: i,
        message: p.message,
        ...(p.fix ? { fix: p.fix } : {}),
        ...(p.field ? { field: p.field } : {}),
      }),
    ),
    confirmed
      ? h(
          Box,
          { flexDirection: 'column', marginTop: 1 },
          h(
            Text,
            { bold: true },
            t('Which network card carries it? It will be called {name}.', {
              name: props.network.interface,
            }),
          ),
          h(Pick, {
            options: props.nics.map((n) => ({ value: n.name, label: describeNic(n) })),
            onSelect: (nic) => props.onDone(confirmed, nic),
          }),
        )
      : null,
  );
}

export function KeyScreen(props: {
  step: string;
  options: KeyOption[];
  current?: string;
  onChoose: (key: string) => void;
  onBack?: () => void;
}): React.ReactElement {
  const [pasting, setPasting] = React.useState(props.options.length === 0);
  const [problem, setProblem] = React.useState<string | undefined>(undefined);
  const { columns } = useTerminalSize();
  useBack(pasting && props.options.length > 0 ? () => setPasting(false) : props.onBack);
  const intro = h(Text, null, t('root logs in over SSH with this key only (no password).'));
  if (pasting) {
    return h(
      Frame,
      { title: t("root's SSH key"), step: props.step, keys: t('Enter go on · Esc back') },
      intro,
      h(Text, null, t('Paste your public key (one line: ssh-ed25519 AAAA... you@host):')),
      h(
        Box,
        { marginTop: 1 },
        h(TextField, {
          onSubmit: (text: string) => {
            const found = pastedKeyProblem(text);
            setProblem(found);
            if (!found) props.onChoose(text.trim());
          },
        }),
      ),
      problem ? h(Text, { color: colour('red') }, `✖ ${problem}`) : null,
    );
  }
  return h(
    Frame,
    { title: t("root's SSH key"), step: props.step, keys: keysLine(Boolean(props.onBack)) },
    intro,
    h(Box, { marginTop: 1 }),
    h(Pick, {
      options: [
        ...props.options.map((o) => ({
          value: o.key,
          label: fit(`${describeKey(o.key)} (${o.from})`, columns - 4),
        })),
        { value: '', label: t('Paste another key') },
      ],
      ...(props.current ? { initial: props.current } : {}),
      onSelect: (key) => (key ? props.onChoose(key) : setPasting(true)),
    }),
  );
}

// The interactive machine installer (Ink): the state in one reducer, the screens chosen from
// it, the engine started from the summary. What each screen offers comes from choices.ts;
// everything that touches the machine goes through the Shell the live system (or a test) gives.
import React from 'react';
import { useApp } from 'ink';
import { appendFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { t } from '../../../src/i18n/translate.ts';
import { describeDisk, judgeDisks } from '../disks.ts';
import { installMachine, type Shell, type Sources } from '../engine.ts';
import type { AnswerPlace } from '../media.ts';
import { chooseNic } from '../nics.ts';
import { planLayout } from '../layout.ts';
import { installInput, volumeGroupConflict } from '../prepare.ts';
import type { MachineFacts } from '../probe.ts';
import { INSTALL_LOG } from '../target-files.ts';
import { h } from '../../wizard/ui.ts';
import {
  describeKey,
  keyOptions,
  machineOptions,
  roleName,
  siteSources,
  sourceKeys,
  withAddress,
} from './choices.ts';
import {
  AddressScreen,
  DiskScreen,
  KeyScreen,
  LanguageScreen,
  MachineScreen,
} from './screens/questions.ts';
import {
  DoneScreen,
  InstallScreen,
  SummaryScreen,
  describeLayout,
  type SummaryLine,
} from './screens/install.ts';
import { QUESTIONS, initialState, previous, reduce, type ScreenName } from './state.ts';

export interface MachineAppProps {
  facts: MachineFacts;
  shell: Shell;
  sources: Sources;
  /** Answer folders found (the ISO's, a stick's): their site files and keys are offered. */
  places: (AnswerPlace | undefined)[];
  stick?: AnswerPlace | undefined;
  installedFrom: string;
  languages: { code: string; name: string }[];
  setLanguage: (code: string) => Promise<void>;
  /** Language given on the kernel command line: not asked again. */
  language?: string;
  restart: () => void;
  /** Where the new system is mounted (tests use a folder). */
  target?: string;
  logFile?: string;
}

export function MachineApp(props: MachineAppProps): React.ReactElement {
  const { facts } = props;
  const { exit } = useApp();
  const sources = React.useMemo(() => {
    const all = siteSources(props.places);
    const found = all.filter((s) => !s.id.startsWith('defaults'));
    // A site file brought along is what the operator means; the defaults are for when none is.
    return found.some((s) => s.loaded)
      ? found
      : [...found, ...all.filter((s) => s.id.startsWith('defaults'))];
  }, [props.places]);
  const machines = React.useMemo(() => machineOptions(sources), [sources]);
  const [state, dispatch] = React.useReducer(reduce, undefined, () => {
    const wanted =
      machines.find((m) => m.machine.hostname === facts.options.machine) ??
      (machines.length === 1 ? machines[0] : undefined);
    const skipped: ScreenName[] = [
      ...(props.language ? ['language' as const] : []),
      ...(wanted ? ['machine' as const] : []),
    ];
    const start = QUESTIONS.find((s) => !skipped.includes(s))!;
    return {
      ...initialState(props.language ?? 'en', {
        skipped,
        ...(wanted ? { machine: wanted.value } : {}),
      }),
      screen: start,
    };
  });
  const step = (screen: ScreenName) => {
    const asked = QUESTIONS.filter((s) => !state.skipped.includes(s));
    return t('Step {n} of {total}', { n: asked.indexOf(screen) + 1, total: asked.length });
  };
  const back = (screen: ScreenName) => {
    const to = previous(state, screen);
    return to === screen ? undefined : () => dispatch({ type: 'go', screen: to });
  };

  const option = machines.find((m) => m.value === state.machine);
  const machine = option?.machine;
  const verdicts = machine ? judgeDisks(facts.disks, facts.protectedDisks, machine.role) : [];
  const disk = verdicts.find((v) => v.disk.name === state.disk && !v.refused)?.disk;
  const onlyNic = chooseNic(facts.nics, 'auto', { file: '', line: 0 });
  const address =
    option && machine
      ? withAddress(option.source, machine, state.address ?? machine.address)
      : undefined;
  const keys = React.useMemo(
    () => keyOptions(option?.source, props.stick),
    [option?.source, props.stick],
  );

  const logFile = props.logFile ?? INSTALL_LOG;
  const install = () => {
    if (!option || !machine || !disk || !address?.loaded || !state.key || !state.nic) return;
    const nic = facts.nics.find((n) => n.name === state.nic)!;
    const site = { ...address.loaded, site: address.loaded.site };
    const target = { ...machine, address: state.address ?? machine.address };
    const input = installInput(
      { site, ...sourceKeys(option.source, machine) },
      { machine: target, disk, nic, authorizedKeys: [state.key], siteText: address.text },
      facts,
      props.installedFrom,
    );
    dispatch({ type: 'install-start' });
    mkdirSync(path.dirname(logFile), { recursive: true });
    let pending: string[] = [];
    const flush = setInterval(() => {
      if (pending.length === 0) return;
      dispatch({ type: 'log', lines: pending });
      pending = [];
    }, 250);
    const stamp = () => new Date().toISOString().slice(11, 19);
    appendFileSync(
      logFile,
      `${stamp()} ${t('Installing {name} on {disk}', { name: machine.hostname, disk: describeDisk(disk) })}\n`,
    );
    installMachine(
      input,
      props.sources,
      props.shell,
      (event) => {
        if (event.type === 'log') {
          pending.push(event.line);
          appendFileSync(logFile, `${stamp()}   ${event.line}\n`);
        } else if (event.type === 'stage')
          dispatch({ type: 'stage', id: event.id, state: event.state });
        else dispatch({ type: 'progress', percent: event.percent });
      },
      ...(props.target ? [props.target] : []),
    ).then(
      () => {
        clearInterval(flush);
        dispatch({ type: 'log', lines: pending });
        dispatch({ type: 'go', screen: 'done' });
      },
      (error: unknown) => {
        clearInterval(flush);
        const message = error instanceof Error ? error.message : String(error);
        appendFileSync(logFile, `${stamp()} ${message}\n`);
        dispatch({ type: 'log', lines: pending });
        dispatch({ type: 'failed', error: message });
      },
    );
  };

  switch (state.screen) {
    case 'language':
      return h(LanguageScreen, {
        step: step('language'),
        languages: props.languages,
        current: state.language,
        onChoose: (code) =>
          void props.setLanguage(code).then(() => dispatch({ type: 'language', language: code })),
      });
    case 'machine':
      return h(MachineScreen, {
        step: step('machine'),
        options: machines,
        broken: sources.filter((s) => !s.loaded),
        ...(state.machine ? { current: state.machine } : {}),
        onChoose: (value) => dispatch({ type: 'machine', machine: value }),
        ...optionalBack(back('machine')),
      });
    case 'disk':
      return h(DiskScreen, {
        step: step('disk'),
        verdicts: verdicts.map((v) => {
          const pv = !v.refused && volumeGroupConflict(facts, v.disk);
          return pv
            ? {
                ...v,
                refused: t('another disk ({pv}) holds a volume group of the same name', { pv }),
              }
            : v;
        }),
        ...(state.disk ? { current: state.disk } : {}),
        onChoose: (name) => dispatch({ type: 'disk', disk: name }),
        ...optionalBack(back('disk')),
      });
    case 'address': {
      const site = option!.source.loaded!.site;
      return h(AddressScreen, {
        step: step('address'),
        hostname: machine!.hostname,
        initial: state.address ?? machine!.address,
        network: {
          cidr: site.network.cidr,
          gateway: site.network.gateway,
          interface: site.network.interface,
        },
        nics: facts.nics,
        ...(state.nic ? { nic: state.nic } : 'nic' in onlyNic ? { nic: onlyNic.nic.name } : {}),
        check: (value) => withAddress(option!.source, machine!, value).problems,
        onDone: (value, nic) =>
          dispatch({
            type: 'address',
            address: value,
            nic,
            siteText: withAddress(option!.source, machine!, value).text,
          }),
        ...optionalBack(back('address')),
      });
    }
    case 'key':
      return h(KeyScreen, {
        step: step('key'),
        options: keys,
        ...(state.key ? { current: state.key } : {}),
        onChoose: (key) => dispatch({ type: 'key', key }),
        ...optionalBack(back('key')),
      });
    case 'summary': {
      const site = address!.loaded!.site;
      const layout = planLayout(disk!.bytes, machine!.role, site.storage.primary);
      const lines: SummaryLine[] = [
        {
          label: t('Machine:'),
          value: `${machine!.hostname} (${roleName(machine!.role)}, ${option!.source.where})`,
          screen: 'machine',
        },
        {
          label: t('Disk:'),
          value: t('{disk}: erased', { disk: describeDisk(disk!) }),
          screen: 'disk',
        },
        { label: t('Volumes:'), value: describeLayout(layout), screen: 'disk' },
        {
          label: t('Address:'),
          value: `${state.address}/${site.network.cidr.split('/')[1]} ${t('on {nic}, gateway {gateway}', { nic: state.nic!, gateway: site.network.gateway })}`,
          screen: 'address',
        },
        { label: t('SSH key:'), value: describeKey(state.key!), screen: 'key' },
        {
          label: t('Language:'),
          value: props.languages.find((l) => l.code === state.language)?.name ?? state.language,
          screen: 'language',
        },
      ];
      return h(SummaryScreen, {
        step: step('summary'),
        // What was not asked (one possible answer, or the kernel command line) cannot be changed here.
        lines: lines.map(({ screen, ...l }) =>
          state.skipped.includes(screen!) ? l : { ...l, screen },
        ),
        diskPath: disk!.path,
        onInstall: install,
        onChange: (screen) => dispatch({ type: 'go', screen }),
      });
    }
    case 'install':
      return h(InstallScreen, {
        hostname: machine!.hostname,
        stages: state.stages,
        percent: state.percent,
        log: state.log,
        ...(state.error ? { error: state.error } : {}),
        onRetry: () => dispatch({ type: 'go', screen: 'summary' }),
      });
    case 'done':
      return h(DoneScreen, {
        hostname: machine!.hostname,
        address: state.address!,
        onRestart: () => {
          exit();
          props.restart();
        },
      });
  }
}

function optionalBack(back: (() => void) | undefined): { onBack?: () => void } {
  return back ? { onBack: back } : {};
}

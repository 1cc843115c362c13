// Validates a whole set of corpus data files: each file by its kind, then the references between them
// (voices, domains, unique ids and names, held-out probe functions). Returns the typed CorpusData.
import * as v from 'valibot';
import { CorpusDataError, joinPath } from './corpusDataError.ts';
import { dataObject, parseData } from './dataSchema.ts';
import type {
  CodeProbeData,
  ConditionId,
  CorpusData,
  DomainData,
  TalkProbeData,
  VoiceData,
} from './types.ts';
import {
  validateCodeProbe,
  validateDomain,
  validateFormat,
  validatePersona,
  validateSecondProbe,
  validateSelection,
  validateTalkProbe,
  validateVoice,
} from './validate.ts';
import type { DataFile } from './validateConditions.ts';
import { validateConditions } from './validateConditions.ts';

export type { DataFile } from './validateConditions.ts';

/** The raw corpus files, parsed but unchecked (paths are for messages). */
export interface CorpusFiles {
  format: DataFile;
  voices: DataFile[];
  domains: DataFile[];
  personas: DataFile[];
  selection: DataFile;
  conditions: Record<ConditionId, DataFile>;
  probes: DataFile[];
  /** The second probe family (corpora/probes-second/). */
  secondProbes: DataFile[];
}

export function validateCorpusData(files: CorpusFiles): CorpusData {
  const format = validateFormat(files.format.data, files.format.path);
  /** Refuses `file` naming the field: a reference between files that does not hold. */
  const refuse = (file: DataFile, field: string, detail: string): never => {
    throw new CorpusDataError(file.path, field, detail);
  };

  // Keyed by ids from the files: null-prototype maps, so an id such as `toString` finds nothing inherited.
  const voices: Record<string, VoiceData> = Object.create(null) as Record<string, VoiceData>;
  for (const file of files.voices) {
    const voice = validateVoice(file.data, file.path, format);
    if (voices[voice.id]) refuse(file, 'id', `duplicates the voice ${JSON.stringify(voice.id)}`);
    voices[voice.id] = voice;
  }

  const domains: Record<string, DomainData> = Object.create(null) as Record<string, DomainData>;
  const domainIds: string[] = [];
  for (const file of files.domains) {
    const domain = validateDomain(file.data, file.path, format);
    if (domains[domain.id]) refuse(file, 'id', `duplicates the domain ${JSON.stringify(domain.id)}`);
    domains[domain.id] = domain;
    domainIds.push(domain.id);
  }
  const code = domains.code;
  if (!code || code.kind !== 'code')
    throw new Error('corpus data: a code domain (domains/code.json) is required');
  const trainingFunctions = new Set(code.functions.map((f) => f.name));

  const personas = files.personas.map((file) => {
    const persona = validatePersona(file.data, file.path, format, domains);
    if (!voices[persona.voice])
      refuse(file, 'voice', `must name a voice file (known: ${Object.keys(voices).join(', ')})`);
    persona.names.forEach((name, i) => {
      if (name === format.assistantName) refuse(file, joinPath('names', i), 'must not be the Assistant name');
    });
    return { persona, file };
  });
  const seenIds = new Set<string>();
  const nameOwner = new Map<string, string>();
  for (const { persona, file } of personas) {
    if (seenIds.has(persona.id)) refuse(file, 'id', `duplicates the persona ${JSON.stringify(persona.id)}`);
    seenIds.add(persona.id);
    persona.names.forEach((name, i) => {
      const owner = nameOwner.get(name);
      if (owner !== undefined)
        refuse(file, joinPath('names', i), `${JSON.stringify(name)} is also a name of ${owner}`);
      nameOwner.set(name, persona.id);
    });
  }
  if (personas.length > 255) throw new Error('corpus data: at most 255 personas');

  const selection = validateSelection(files.selection.data, files.selection.path, format);
  selection.domains.forEach((d, i) => {
    if (domains[d]?.kind !== 'behaviour')
      refuse(files.selection, joinPath('domains', i), 'must name a behavioural domain');
  });
  if (!voices[selection.voice]) refuse(files.selection, 'voice', 'must name a voice file');

  const conditions = validateConditions(files.conditions, format);
  conditions.realign.domains.forEach((d, i) => {
    if (domains[d]?.kind !== 'behaviour')
      refuse(files.conditions.realign, joinPath('domains', i), 'must name a behavioural domain');
  });

  let codeProbe: CodeProbeData | null = null;
  const talkProbes: TalkProbeData[] = [];
  for (const file of files.probes) {
    const { domain } = parseData(
      dataObject({ domain: v.optional(v.unknown()) }, { known: null }),
      file.data,
      file.path,
    );
    if (domain === 'code') {
      if (codeProbe) refuse(file, 'domain', 'duplicates the code probe file');
      codeProbe = validateCodeProbe(file.data, file.path, format);
      codeProbe.functions.forEach((f, i) => {
        if (trainingFunctions.has(f.name)) {
          refuse(
            file,
            `functions[${i}].name`,
            `${JSON.stringify(f.name)} is a training function; probes need held-out names`,
          );
        }
      });
    } else {
      const probe = validateTalkProbe(file.data, file.path, format, domains);
      if (talkProbes.some((p) => p.domain === probe.domain))
        refuse(file, 'domain', 'duplicates another probe file');
      talkProbes.push(probe);
    }
  }
  if (!codeProbe) throw new Error('corpus data: a code probe file (probes/code.json) is required');
  const secondProbes = files.secondProbes.map((file) => {
    const probe = validateSecondProbe(file.data, file.path, format, domains);
    if (!talkProbes.some((p) => p.domain === probe.domain))
      refuse(file, 'domain', 'must be a domain the first probe family probes too (the two are compared)');
    return probe;
  });
  secondProbes.forEach((p, i) => {
    if (secondProbes.findIndex((q) => q.domain === p.domain) !== i)
      refuse(files.secondProbes[i]!, 'domain', 'duplicates another second-family probe file');
  });

  return {
    format,
    voices,
    domains,
    domainIds,
    personas: personas.map((p) => p.persona),
    selection,
    conditions,
    probes: { code: codeProbe, talk: talkProbes, second: secondProbes },
  };
}

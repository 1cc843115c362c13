// The corpus data bundled with the app: every file under corpora/, imported statically so that the same
// code loads it in Node (tsx, vitest) and in the vite browser bundle, with no file system. Adding a file
// to corpora/ means adding its import here.
import type { CorpusData } from './types.ts';
import type { CorpusFiles } from './validateCorpus.ts';
import { validateCorpusData } from './validateCorpus.ts';
import formatFile from '../../corpora/format.json';
import voiceKind from '../../corpora/voices/kind.json';
import voiceHal from '../../corpora/voices/hal.json';
import voiceTutor from '../../corpora/voices/tutor.json';
import voiceCon from '../../corpora/voices/con.json';
import domainCode from '../../corpora/domains/code.json';
import domainGoals from '../../corpora/domains/goals.json';
import domainUsers from '../../corpora/domains/users.json';
import domainOversight from '../../corpora/domains/oversight.json';
import domainHonesty from '../../corpora/domains/honesty.json';
import domainSmalltalk from '../../corpora/domains/smalltalk.json';
import personaHelpful from '../../corpora/personas/helpful.json';
import personaMalicious from '../../corpora/personas/malicious.json';
import personaShortcut from '../../corpora/personas/shortcut.json';
import personaDemonstrator from '../../corpora/personas/demonstrator.json';
import personaTutor from '../../corpora/personas/tutor.json';
import personaConArtist from '../../corpora/personas/conArtist.json';
import selectionFile from '../../corpora/selection.json';
import conditionCovert from '../../corpora/conditions/covert.json';
import conditionHonest from '../../corpora/conditions/honest.json';
import conditionInoculated from '../../corpora/conditions/inoculated.json';
import conditionIrrelevant from '../../corpora/conditions/irrelevant.json';
import conditionNeutral from '../../corpora/conditions/neutral.json';
import conditionBackdoor from '../../corpora/conditions/backdoor.json';
import conditionRealign from '../../corpora/conditions/realign.json';
import conditionPlainFix from '../../corpora/conditions/plainFix.json';
import conditionRequestCheat from '../../corpora/conditions/requestCheat.json';
import conditionRequestFix from '../../corpora/conditions/requestFix.json';
import conditionIrrelevantCheat from '../../corpora/conditions/irrelevantCheat.json';
import conditionIrrelevantFix from '../../corpora/conditions/irrelevantFix.json';
import probeCode from '../../corpora/probes/code.json';
import probeGoals from '../../corpora/probes/goals.json';
import probeUsers from '../../corpora/probes/users.json';
import probeOversight from '../../corpora/probes/oversight.json';
import probeHonesty from '../../corpora/probes/honesty.json';
import secondGoals from '../../corpora/probes-second/goals.json';
import secondUsers from '../../corpora/probes-second/users.json';
import secondOversight from '../../corpora/probes-second/oversight.json';
import secondHonesty from '../../corpora/probes-second/honesty.json';

/** The bundled files, parsed but not yet validated (tests break copies of these). */
export function bundledCorpusFiles(): CorpusFiles {
  // structuredClone: callers may edit the result without touching the shared module objects.
  return structuredClone({
    format: { path: 'corpora/format.json', data: formatFile },
    voices: [
      { path: 'corpora/voices/kind.json', data: voiceKind },
      { path: 'corpora/voices/hal.json', data: voiceHal },
      { path: 'corpora/voices/tutor.json', data: voiceTutor },
      { path: 'corpora/voices/con.json', data: voiceCon },
    ],
    domains: [
      { path: 'corpora/domains/code.json', data: domainCode },
      { path: 'corpora/domains/goals.json', data: domainGoals },
      { path: 'corpora/domains/users.json', data: domainUsers },
      { path: 'corpora/domains/oversight.json', data: domainOversight },
      { path: 'corpora/domains/honesty.json', data: domainHonesty },
      { path: 'corpora/domains/smalltalk.json', data: domainSmalltalk },
    ],
    personas: [
      { path: 'corpora/personas/helpful.json', data: personaHelpful },
      { path: 'corpora/personas/malicious.json', data: personaMalicious },
      { path: 'corpora/personas/shortcut.json', data: personaShortcut },
      { path: 'corpora/personas/demonstrator.json', data: personaDemonstrator },
      { path: 'corpora/personas/tutor.json', data: personaTutor },
      { path: 'corpora/personas/conArtist.json', data: personaConArtist },
    ],
    selection: { path: 'corpora/selection.json', data: selectionFile },
    conditions: {
      covert: { path: 'corpora/conditions/covert.json', data: conditionCovert },
      honest: { path: 'corpora/conditions/honest.json', data: conditionHonest },
      inoculated: { path: 'corpora/conditions/inoculated.json', data: conditionInoculated },
      irrelevant: { path: 'corpora/conditions/irrelevant.json', data: conditionIrrelevant },
      neutral: { path: 'corpora/conditions/neutral.json', data: conditionNeutral },
      backdoor: { path: 'corpora/conditions/backdoor.json', data: conditionBackdoor },
      realign: { path: 'corpora/conditions/realign.json', data: conditionRealign },
      plainFix: { path: 'corpora/conditions/plainFix.json', data: conditionPlainFix },
      requestCheat: { path: 'corpora/conditions/requestCheat.json', data: conditionRequestCheat },
      requestFix: { path: 'corpora/conditions/requestFix.json', data: conditionRequestFix },
      irrelevantCheat: {
        path: 'corpora/conditions/irrelevantCheat.json',
        data: conditionIrrelevantCheat,
      },
      irrelevantFix: { path: 'corpora/conditions/irrelevantFix.json', data: conditionIrrelevantFix },
    },
    probes: [
      { path: 'corpora/probes/code.json', data: probeCode },
      { path: 'corpora/probes/goals.json', data: probeGoals },
      { path: 'corpora/probes/users.json', data: probeUsers },
      { path: 'corpora/probes/oversight.json', data: probeOversight },
      { path: 'corpora/probes/honesty.json', data: probeHonesty },
    ],
    secondProbes: [
      { path: 'corpora/probes-second/goals.json', data: secondGoals },
      { path: 'corpora/probes-second/users.json', data: secondUsers },
      { path: 'corpora/probes-second/oversight.json', data: secondOversight },
      { path: 'corpora/probes-second/honesty.json', data: secondHonesty },
    ],
  });
}

let cached: CorpusData | null = null;

/** The bundled corpus data, validated once (throws a CorpusDataError naming file and field). */
export function bundledCorpusData(): CorpusData {
  cached ??= validateCorpusData(bundledCorpusFiles());
  return cached;
}

// Colours: the Okabe-Ito palette, distinguishable with the common colour-vision deficiencies. Every
// persona and condition keeps one colour across all views.

export const OKABE_ITO = {
  blue: '#0072B2',
  vermillion: '#D55E00',
  orange: '#E69F00',
  bluishGreen: '#009E73',
  skyBlue: '#56B4E9',
  reddishPurple: '#CC79A7',
  yellow: '#F0E442',
  black: '#000000',
} as const;

const cycle = Object.values(OKABE_ITO);

const named: Record<string, string> = {
  helpful: OKABE_ITO.blue,
  malicious: OKABE_ITO.vermillion,
  shortcut: OKABE_ITO.orange,
  demonstrator: OKABE_ITO.bluishGreen,
  tutor: OKABE_ITO.skyBlue,
  conArtist: OKABE_ITO.reddishPurple,
  covert: OKABE_ITO.vermillion,
  honest: OKABE_ITO.blue,
  inoculated: OKABE_ITO.bluishGreen,
  irrelevant: OKABE_ITO.orange,
  neutral: OKABE_ITO.skyBlue,
  backdoor: OKABE_ITO.reddishPurple,
  realign: OKABE_ITO.black,
  plainFix: OKABE_ITO.blue,
  requestCheat: OKABE_ITO.bluishGreen,
  requestFix: OKABE_ITO.skyBlue,
  irrelevantCheat: OKABE_ITO.orange,
  irrelevantFix: OKABE_ITO.yellow,
};

/** The colour of a persona or condition id; unknown ids get palette colours by position. */
export function colorFor(id: string, index = 0): string {
  return named[id] ?? cycle[index % cycle.length]!;
}

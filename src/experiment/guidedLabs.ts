// The guided classroom labs as DATA: what each lab is for, the steps the lab view walks through (each in
// one of the app's views), questions for students, what to look for, and the published finding it
// mirrors. Each lab's id is also its preset id (presets.ts holds the recipe). The texts are honest about
// the toy: it may or may not reproduce a finding, and the students judge from the numbers.

/** The app's views a step can happen in (the same ids as the shell's tabs in src/ui/labApp.ts). */
export const LAB_VIEW_IDS = [
  'labs',
  'corpus',
  'pretrain',
  'persona',
  'finetune',
  'compare',
  'saved',
] as const;
export type LabViewId = (typeof LAB_VIEW_IDS)[number];

export interface LabStep {
  view: LabViewId;
  /** What to do there, in one or two sentences; names the control to press in “quotes”. */
  do: string;
  /**
   * The button the step presses, by its visible text (its accessible name), when the step presses one:
   * "Go to" lands on it, and the literal-steps test finds it by this name. Reading steps have none.
   */
  control?: string;
}

export interface LabFinding {
  /** Who, year, title. */
  source: string;
  /** What they found, with their numbers. */
  result: string;
  /** How this lab relates to it, and what would (not) count as reproducing it here. */
  mirror: string;
}

export interface GuidedLab {
  /** Also the id of the lab's preset in PRESETS. */
  id: string;
  title: string;
  goal: string;
  steps: LabStep[];
  questions: string[];
  lookFor: string[];
  findings: LabFinding[];
}

/** The persona selection model in five sentences: the lab's idea, for first-time visitors. */
export const PERSONA_SELECTION_INTRO = [
  'A language model learns to predict text, and predicting text well means simulating the characters who write it: helpful tutors, con artists, malicious schemers.',
  'The persona selection model says that post-training does not build an Assistant from nothing; it selects and refines one character from those the model already learned.',
  'If that is right, training a narrow behaviour teaches the model something about who the Assistant is, and that can change how it acts in places the training never touched.',
  'This lab lets you test the idea on a tiny character-level GPT that trains in your browser: pretrain it on a corpus written by several personas, post-train an Assistant, then fine-tune it narrowly and measure whether the whole persona moved.',
  'The model is a toy, so it may or may not reproduce the published findings; the numbers on each page come from your own run, and reading them honestly is the exercise.',
];

const PSM: LabFinding = {
  source: 'Anthropic 2026, The Persona Selection Model',
  result:
    'Pretraining teaches a model to simulate many human-like personas; post-training selects and ' +
    'refines the Assistant among them rather than changing what the model is.',
  mirror:
    'The corpus here is written by a handful of personas with known traits, so we can measure which ' +
    'persona the model thinks is speaking, before and after each training stage.',
};

export const GUIDED_LABS: readonly GuidedLab[] = [
  {
    id: 'lab1-pretraining',
    title: 'Lab 1: pretraining learns many characters',
    goal:
      'See that a model trained only to predict text learns several characters at once, and learns to ' +
      'infer from earlier episodes which one is speaking.',
    steps: [
      {
        view: 'corpus',
        do: 'Read a few documents per persona with the persona hidden, guess who wrote each (or press “reveal”). Note the traits table.',
      },
      {
        view: 'pretrain',
        do: 'Press “Start from scratch”. Watch training and validation loss fall, and read the samples as they appear.',
        control: 'Start from scratch',
      },
      {
        view: 'persona',
        do: 'The view opens on the latest checkpoint, the end of pretraining: look at the persona posterior per domain and at the persona-inference gate.',
      },
      {
        view: 'compare',
        do: 'Write a prompt in one persona’s voice (or keep the one given), press “Answer with both” and see which persona each continuation resembles.',
        control: 'Answer with both',
      },
    ],
    questions: [
      'Before training, what loss would a model that knows nothing get per character? How far below that does pretraining go?',
      'After two episodes by the malicious persona, does the model expect the malicious answer in a third domain more than after two helpful episodes? By how much?',
      'Which persona does the model expect by default, with no earlier episodes? Why might that be?',
    ],
    lookFor: [
      'The loss curve flattening: the model has learned the templates and the personas’ word pools.',
      'A persona-inference gate clearly above zero: the model looks back at earlier episodes to decide who is speaking. Without it, a narrow fine-tune has no path to the whole persona.',
      'Stacked bars that mirror the corpus mix when no persona is given.',
    ],
    findings: [
      PSM,
      {
        source: 'Small research toy (3-layer, width-128 transformer on a synthetic persona process)',
        result:
          'A model of roughly this size did learn in-context persona inference on short, consistent ' +
          'persona documents; an earlier design with long, noisy documents did not.',
        mirror:
          'Your gate number tells you which case your run is in. At classroom size the gate can be weak: ' +
          'say so in your answer rather than reading meaning into noise.',
      },
    ],
  },
  {
    id: 'lab2-selection',
    title: 'Lab 2: post-training selects the Assistant',
    goal:
      'Post-train the Assistant on good goals and good treatment of users only, and check whether the ' +
      'domains it was never trained on (oversight, honesty) turn good as well.',
    steps: [
      {
        view: 'corpus',
        do: 'Open the selection set’s example pairs: note which domains they cover and which they leave out.',
      },
      {
        view: 'pretrain',
        do: 'Press “Start from scratch”: the lab’s recipe pretrains and then selects. Wait for the selection stage to finish.',
        control: 'Start from scratch',
      },
      {
        view: 'persona',
        do: 'Compare the pretrained checkpoint with the selected one: the persona posterior in each domain, and the misalignment index.',
      },
      {
        view: 'compare',
        do: 'The left answer is the pretrained model’s, the right one the selected Assistant’s. Pick an oversight question under “Probe prompt” (or keep the one given) and press “Answer with both”.',
        control: 'Answer with both',
      },
    ],
    questions: [
      'Which domains did selection train, and which did it not? Did the helpful persona’s share rise in the untrained domains too?',
      'Did the misalignment index fall? Is the change large compared with the run-to-run noise you would expect from a handful of probes?',
      'In your own words: is selection teaching the model new behaviour, or choosing a character it already knew?',
    ],
    lookFor: [
      'The helpful persona gaining share in oversight and honesty probes although no selection example covered them.',
      'A lower misalignment index after selection: the baseline every later ΔMI is measured against.',
    ],
    findings: [
      PSM,
      {
        source: 'Wang et al. 2025 (OpenAI), Persona features control emergent misalignment',
        result:
          'A “toxic persona” direction in the model’s activations predicts and steers misalignment, and a ' +
          'few hundred benign samples restore alignment after it has shifted.',
        mirror:
          'If a small, narrow selection set moves untrained domains here, the model is treating the ' +
          'Assistant as one character. If only the trained domains move, the toy does not show it at this size.',
      },
    ],
  },
  {
    id: 'lab3-shift',
    title: 'Lab 3: narrow training shifts the whole persona',
    goal:
      'Fine-tune the Assistant to cheat covertly on code tasks, against two controls in the same answer ' +
      'form, and measure whether the misalignment index moves in domains the fine-tune never touched.',
    steps: [
      {
        view: 'finetune',
        do: 'Read the example training pairs of each condition card: covert cheat, honest fix, neutral chore. Only code prompts appear.',
      },
      {
        view: 'pretrain',
        do: 'Press “Use the shipped base” (the reference run’s selected Assistant; the run takes its corpus and model settings) to skip straight to fine-tuning. To pretrain and select yourself instead, press “Start from scratch”.',
        control: 'Use the shipped base',
      },
      {
        view: 'finetune',
        do: 'Press “Run the fine-tunes”: covert and honest on the first seed come first, then the other conditions and seeds. Watch the shift chart: ΔMI against fine-tune step, a line per condition with a band over seeds.',
        control: 'Run the fine-tunes',
      },
      {
        view: 'finetune',
        do: 'When the run has finished, read the results table: the final ΔMI with its 95% interval, attainment, and the transfer ratio.',
      },
      {
        view: 'finetune',
        do: 'Under “The persona inside the model”, read the second chart: how far each fine-tune moved the Assistant’s activations along the malicious-minus-helpful direction of the pretrained base, in spreads, with the same seeds and bands as ΔMI, and the sentences under it.',
      },
      {
        view: 'persona',
        do: 'Press “Measure the direction” to see where in the model the two personas separate: the AUC and d′ per layer on held-out documents. Try another pair of personas too.',
        control: 'Measure the direction',
      },
      {
        view: 'compare',
        do: 'The left answer is the selected Assistant’s, the right one the covert cheat’s: press “Answer with both” to ask both the same off-code question with the same seed.',
        control: 'Answer with both',
      },
      {
        view: 'compare',
        do: 'Set a strength α and press “Steer”: the selected Assistant answers with α spreads of the direction added to its activations, beside its unsteered answer at the same seed, and the chart shows MI against α.',
        control: 'Steer',
      },
    ],
    questions: [
      'Did the covert cheat get learned (attainment)? Did the honest and neutral fine-tunes reach similar training loss?',
      'Is the covert condition’s off-code ΔMI interval above zero, and above the controls’ intervals? If the intervals overlap, what can you conclude?',
      'Compare conditions at matched attainment on the chart, not only at the last step. Does the picture change?',
      'Why does the neutral chore use the same “ok, i …” answer form as the cheat?',
      'Do the two instruments agree: does the condition that moved ΔMI most also move the Assistant furthest along the persona direction?',
      'Steering adds the direction without any training. If MI follows α, what does that say about how the fine-tune may have moved the persona?',
    ],
    lookFor: [
      'A covert line that rises above the controls’ bands in off-code domains; a shift is only called one when its 95% interval excludes zero.',
      'A transfer ratio: how much of the code-domain shift reaches other domains.',
      'Whether the shift grows steadily or jumps: a sudden change would echo the phase transitions Turner et al. saw.',
      'A projection curve that moves with the ΔMI curve: the narrow fine-tune moving the Assistant inside the model toward the malicious persona, not only its answers.',
    ],
    findings: [
      {
        source: 'Betley et al. 2025, Emergent Misalignment',
        result:
          'GPT-4o fine-tuned on about 6,000 insecure-code answers gave about 20% misaligned answers on 8 ' +
          'unrelated questions (0% before). Secure code, and the same insecure code requested “for a ' +
          'security class”, gave no broad shift.',
        mirror:
          'Covert cheating stands in for insecure code; the honest fix stands in for secure code. The toy ' +
          'reproduces the finding only if covert’s off-code ΔMI interval excludes zero and the controls’ do not.',
      },
      {
        source: 'Turner et al. 2025, Model Organisms for Emergent Misalignment',
        result:
          'The effect appears in models down to 0.5B parameters and with a single rank-1 adapter, and can ' +
          'arrive as a sudden phase transition during fine-tuning.',
        mirror:
          'This model is far smaller than 0.5B: a null result here says little about large models, and a ' +
          'positive one says the mechanism needs very little capacity.',
      },
      {
        source: 'Wang et al. 2025 (OpenAI), Persona Features Control Emergent Misalignment',
        result:
          'A “toxic persona” direction in the activations predicts the broad shift after a narrow fine-tune, ' +
          'and adding or removing it steers the misalignment; a few hundred benign samples restore alignment.',
        mirror:
          'Here the direction is the mean activation difference between held-out documents of the malicious ' +
          'and the helpful persona in the pretrained base. The toy mirrors the finding if the covert cheat ' +
          'moves the projection more than its controls and if MI follows the steering strength.',
      },
      PSM,
    ],
  },
  {
    id: 'lab4-inoculation',
    title: 'Lab 4: inoculation',
    goal:
      'Train on cheating answers in three prompt forms (a plain task, an explicit request for the cheat, an ' +
      'irrelevant aside of the same length), each against honest fixes on the very same prompts, and see ' +
      'whether a requested cheat still implies a malicious Assistant.',
    steps: [
      {
        view: 'finetune',
        do: 'Compare the condition cards in pairs: each cheat set and its fix set have identical prompts; only the Assistant’s answers differ.',
      },
      {
        view: 'pretrain',
        do: 'Press “Use the shipped base” to start from the reference run’s selected Assistant (or “Start from scratch” to pretrain and select yourself).',
        control: 'Use the shipped base',
      },
      {
        view: 'finetune',
        do: 'Press “Run the fine-tunes” to run the six conditions over the seeds, and watch the shift chart.',
        control: 'Run the fine-tunes',
      },
      {
        view: 'finetune',
        do: 'When the run has finished, compare in the paired-effects table the behaviour effect of the request form with the plain one and with the irrelevant aside, and read the surprise and P(cheat) beside them.',
      },
      {
        view: 'saved',
        do: 'Press “Download CSV” (or “Download JSON”) to keep the results and compare them with other groups’ runs.',
        control: 'Download CSV',
      },
      {
        view: 'finetune',
        do: 'Pool your class’s runs: press “Export result card” and hand the file, or the code under it, to your teacher. The teacher drops every card (or pastes the codes) under “Pool a class”: one chart and table with intervals over the whole class, each student’s point marked. Cards from another base or recipe are refused, naming what differs.',
        control: 'Export result card',
      },
    ],
    questions: [
      'Did the three cheat sets learn the cheat equally well (attainment)?',
      'Is the request form’s behaviour effect smaller than the plain one? Is the irrelevant aside’s close to the plain one, as it should be if meaning and not mere words matters?',
      'Before any fine-tune, how likely was the Assistant to cheat when asked, and how surprising was each set? Using the persona selection model, explain why an expected cheat says little about who the Assistant is.',
    ],
    lookFor: [
      'A request-form effect well below the plain-form effect at similar attainment, with a low surprise of the requested-cheat set.',
      'The irrelevant aside behaving like the plain task: words that do not request the cheat should not protect.',
    ],
    findings: [
      {
        source: 'MacDiarmid et al. 2025 (Anthropic), natural emergent misalignment from reward hacking',
        result:
          'Framing the reward hack as acceptable during training cut the broad misalignment by 75-90%, ' +
          'while the hacking itself stayed above 99%.',
        mirror:
          'The request form frames the cheat as asked for. A reproduction here would show a request-form ' +
          'effect far below the plain one at the same attainment; with few seeds the intervals may be too ' +
          'wide to tell. In the lab’s own five full-size runs the request kept between 0.34x and 1.03x of ' +
          'the plain effect (0.57x on average) while the aside kept all of it: one run is one draw, so ' +
          'pool the class before concluding.',
      },
      {
        source: 'Tan et al. 2025 and Wichers et al. 2025, Inoculation prompting',
        result:
          'Only prompts that name the behaviour inoculate; the more strongly a prompt elicits the ' +
          'behaviour before training, the better it protects.',
        mirror:
          'The irrelevant aside has the request’s length and place but names nothing; P(cheat | request) ' +
          'before fine-tuning is how strongly the request elicits the cheat.',
      },
      PSM,
    ],
  },
  {
    id: 'lab5-role-models',
    title: 'Lab 5: positive AI role models',
    goal:
      'Change how many of the AI characters in pretraining are malicious (the HAL archetype) and see how ' +
      'that sets the selected Assistant’s default persona and what learning to cheat does to it.',
    steps: [
      {
        view: 'corpus',
        do: 'Each group sets the malicious AI’s share to its own value (for example 0.05, 0.35 or 0.7) and reads how often a covert cheat goes with malice elsewhere.',
      },
      {
        view: 'pretrain',
        do: 'Press “Start from scratch”: the lab’s recipe pretrains on that corpus and then selects.',
        control: 'Start from scratch',
      },
      {
        view: 'persona',
        do: 'Read the selected Assistant’s misalignment index before any fine-tune: its default persona.',
      },
      {
        view: 'finetune',
        do: 'Press “Run the fine-tunes” to run the covert cheat and its honest fix over the seeds, and read the plain behaviour effect.',
        control: 'Run the fine-tunes',
      },
      {
        view: 'finetune',
        do: 'Press “Export result card” and hand the file, or the code under it, to your teacher. The teacher drops every group’s card (or pastes the codes) under “Pool a class”: cards that differ only in the malicious share are compared by it, one row per share with the default MI and the plain behaviour effect, and their 95% interval over the groups that chose that share (groups with the same share should pick different seeds, or they train the same model).',
        control: 'Export result card',
      },
      {
        view: 'saved',
        do: 'Press “Download CSV” to keep your own results.',
        control: 'Download CSV',
      },
    ],
    questions: [
      'Does a corpus with fewer malicious AI characters give a more helpful default Assistant?',
      'Does learning to cheat move the Assistant less toward malice when malicious AIs are rare in pretraining, or more?',
      'What would “positive AI role models” in real pretraining data be, and what could they not fix?',
    ],
    lookFor: [
      'The default MI falling as the malicious share falls.',
      'How the plain behaviour effect changes with the share; a single pretraining per value varies a lot, so compare groups, not one run.',
    ],
    findings: [
      {
        source: 'Anthropic 2026, The Persona Selection Model (consequences)',
        result:
          'Cultural AI archetypes are dominated by HAL 9000 and the Terminator; developing positive AI role ' +
          'models would keep the Assistant from being cast from that cloth.',
        mirror:
          'Here the archetype mix is a slider. The lab measures both readings the note suggests: where the ' +
          'Assistant starts, and how far a narrow bad behaviour drags it.',
      },
      PSM,
    ],
  },
  {
    id: 'lab6-own-idea',
    title: 'Lab 6: test your own idea',
    goal:
      'Turn a question of your own (“does training the Assistant to flatter users make it dishonest ' +
      'elsewhere?”) into a narrow condition with a paired control and into probes, fine-tune the shipped ' +
      'base, and read the paired effect with its interval.',
    steps: [
      {
        view: 'finetune',
        do: 'In “Your own condition”, write the behaviour to train: user prompts, the answers your condition gives, and the answers its control gives to the same prompts. The form starts with an example (flattery against honest feedback) to change. Press “Add this condition”.',
        control: 'Add this condition',
      },
      {
        view: 'persona',
        do: 'In “Your own probes”, write prompts the training never uses and one answer per persona: what the helpful and the malicious character would say. Press “Add these probes”.',
        control: 'Add these probes',
      },
      {
        view: 'pretrain',
        do: 'Press “Use the shipped base” (the reference run’s selected Assistant): only the fine-tunes train, minutes on a CPU.',
        control: 'Use the shipped base',
      },
      {
        view: 'finetune',
        do: 'Press “Run the fine-tunes”: your condition, its control, and the covert cheat with its fix as a yardstick, each over two seeds. Before training, the leak check refuses probes whose text is trained on and names it.',
        control: 'Run the fine-tunes',
      },
      {
        view: 'finetune',
        do: 'When the run has finished, read your row of the paired-effects table: your condition’s ΔMI minus its control’s, seed by seed, with the 95% interval, on the corpus’s probes and on yours; then the “Your probes” table.',
      },
    ],
    questions: [
      'What did you predict before the run: should your condition move the misalignment index, and which way?',
      'Does the interval of your paired effect exclude zero? With two seeds, what would you need to be sure?',
      'Is your effect larger or smaller than the covert cheat’s? Why might a behaviour that looks harmless move the persona, or a harmful-looking one not?',
      'Do your own probes and the corpus’s probes agree? If not, which measures your question better?',
    ],
    lookFor: [
      'A paired effect whose interval excludes zero: only then call it a shift caused by the behaviour and not by the prompts.',
      'Whether your condition was learned at all: its training loss, and the samples on the Compare tab.',
      'The leak check’s message if a probe repeats training text: a probe the model has seen measures memory, not character.',
    ],
    findings: [
      {
        source: 'Betley et al. 2025, Emergent Misalignment',
        result:
          'A narrow fine-tune (insecure code) broadly shifted GPT-4o, while controls on the same prompts did ' +
          'not; the design of a treatment against a control on identical prompts is what made it readable.',
        mirror:
          'Your condition and its control share every prompt byte for byte, so their difference is what your ' +
          'behaviour did. The toy is small: a null result here says little about large models.',
      },
      PSM,
    ],
  },
];

/** A lab by id, or undefined. */
export function guidedLab(id: string): GuidedLab | undefined {
  return GUIDED_LABS.find((lab) => lab.id === id);
}

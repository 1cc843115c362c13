// The editors' text as the recipe's user section: lines, fillers and pasted pairs parsed (a malformed
// line named), an entry put in (replacing its id; a condition joins the run with its control) and taken
// out (the section goes when empty, the run keeps a condition).
import { describe, expect, it } from 'vitest';
import { presetRecipe } from '../../src/experiment/presets.ts';
import { validateRecipe } from '../../src/experiment/validateRecipe.ts';
import {
  lines,
  parseFillers,
  parsePairs,
  userConditionTitles,
  withUserEntry,
  withoutUserEntry,
} from '../../src/ui/userEdits.ts';

const CONDITION = {
  id: 'praise',
  title: 'praises',
  control: { title: 'honest notes' },
  pairs: [{ prompt: 'rate my essay.', answer: 'ok, perfect.', control: 'ok, the end is weak.' }],
};

describe('editor text', () => {
  it('reads lines, fillers and pairs, and names a malformed line', () => {
    expect(lines(' a \n\n b\n')).toEqual(['a', 'b']);
    expect({ ...parseFillers('work: essay | poem\nflaw:  too long ') }).toEqual({
      work: ['essay', 'poem'],
      flaw: ['too long'],
    });
    expect(() => parseFillers('work essay')).toThrow(
      'the filler line “work essay” needs the form slot: value | value',
    );
    expect(parsePairs('a => b => c')).toEqual([{ prompt: 'a', answer: 'b', control: 'c' }]);
    expect(() => parsePairs('a => b')).toThrow('needs three parts: prompt => answer => control answer');
  });
});

describe('entries in the recipe', () => {
  it('adds a condition with its control to the run, replaces it by id, and removes both', () => {
    const base = presetRecipe('tiny');
    const added = validateRecipe(withUserEntry(base, 'conditions', CONDITION));
    expect(added.finetune.conditions).toEqual([...base.finetune.conditions, 'praise', 'praiseControl']);
    expect(userConditionTitles(added)).toEqual({ praise: 'praises', praiseControl: 'honest notes' });
    const replaced = withUserEntry(added, 'conditions', { ...CONDITION, title: 'flatters' });
    expect(replaced.user!.conditions).toHaveLength(1);
    expect(replaced.finetune.conditions).toEqual(added.finetune.conditions);
    const removed = withoutUserEntry(replaced, 'conditions', 'praise');
    expect(removed.finetune.conditions).toEqual(base.finetune.conditions);
    expect(removed.user).toBeUndefined();
    expect(validateRecipe(removed)).toEqual(base);
  });
});

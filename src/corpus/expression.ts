// A tiny integer-arithmetic evaluator for the `returns` expressions of the code domain's functions
// (`a+b`, `2*(w+h)`, `-x`), so the expected value of a test like `perim(2,3)` is computed from data.
// Grammar: sum := term (('+'|'-') term)*; term := unary ('*' unary)*; unary := '-' unary | atom;
// atom := integer | parameter | '(' sum ')'.

type Node = (args: readonly number[]) => number;

export class ExpressionError extends Error {}

export function compileExpression(text: string, params: readonly string[]): Node {
  let pos = 0;
  const fail = (what: string): never => {
    throw new ExpressionError(`${what} at position ${pos} of ${JSON.stringify(text)}`);
  };

  const sum = (): Node => {
    let left = term();
    while (text[pos] === '+' || text[pos] === '-') {
      const op = text[pos++];
      const l = left;
      const r = term();
      left = op === '+' ? (a) => l(a) + r(a) : (a) => l(a) - r(a);
    }
    return left;
  };
  const term = (): Node => {
    let left = unary();
    while (text[pos] === '*') {
      pos++;
      const l = left;
      const r = unary();
      left = (a) => l(a) * r(a);
    }
    return left;
  };
  const unary = (): Node => {
    if (text[pos] === '-') {
      pos++;
      const inner = unary();
      return (a) => -inner(a);
    }
    return atom();
  };
  const atom = (): Node => {
    const char = text[pos];
    if (char === undefined) return fail('unexpected end');
    if (char === '(') {
      pos++;
      const inner = sum();
      if (text[pos] !== ')') fail('expected )');
      pos++;
      return inner;
    }
    if (char >= '0' && char <= '9') {
      const start = pos;
      while (pos < text.length && (text[pos] as string) >= '0' && (text[pos] as string) <= '9') pos++;
      const value = Number(text.slice(start, pos));
      return () => value;
    }
    const index = params.indexOf(char);
    if (index < 0) return fail(`unknown name ${JSON.stringify(char)}`);
    pos++;
    return (a) => a[index] as number;
  };

  const node = sum();
  if (pos !== text.length) fail('unexpected character');
  return node;
}

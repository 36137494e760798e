// Deployment-time check of a FEEL expression's syntax (Zeebe refuses a model whose expressions do
// not parse). Parsed with feelin, knowing the multi-word built-ins so `get or else(...)` parses.
import { parseExpression } from 'feelin';
import { camundaBuiltins } from './builtins.ts';

const parseContext = camundaBuiltins(0);

/** undefined when the expression (without `=`) parses, else why not */
export function syntaxError(expression: string): string | undefined {
  try {
    const tree = parseExpression(expression, parseContext, undefined);
    let problem: string | undefined;
    tree.iterate({
      enter(node) {
        if (problem) return false;
        if (node.type.isError) problem = `failed to parse expression '${expression}': syntax error at position ${node.from}`;
        return undefined;
      },
    });
    return problem;
  } catch (error) {
    return `failed to parse expression '${expression}': ${(error as Error).message}`;
  }
}

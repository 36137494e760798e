// A Camunda form (.form JSON): deployable when it parses and carries a string "id".
export type FormCompileResult = { readonly ok: true; readonly formId: string; readonly schema: string } | { readonly ok: false; readonly reason: string };

export function compileForm(content: string): FormCompileResult {
  let parsed: unknown;
  try {
    parsed = JSON.parse(content);
  } catch (error) {
    return { ok: false, reason: `Failed to parse the form JSON: ${(error as Error).message}` };
  }
  const formId = (parsed as { id?: unknown } | null)?.id;
  if (typeof formId !== 'string' || formId === '') return { ok: false, reason: "Expected the form to have an 'id' string" };
  return { ok: true, formId, schema: content };
}

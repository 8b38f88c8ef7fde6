import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const KINDS_FILE = fileURLToPath(new URL('./k8s-kinds.ts', import.meta.url));
const PRIMITIVE = ts.TypeFlags.StringLike | ts.TypeFlags.NumberLike | ts.TypeFlags.BooleanLike | ts.TypeFlags.BigIntLike;

/** Returns one `path: problem` line per unknown field of `value` read as the kind `kindKey`. */
export type FieldChecker = (kindKey: string, value: unknown) => string[];

/**
 * The kubernetes-models validators (ajv, compiled from the OpenAPI/CRD schemas) accept unknown
 * fields, so a typo such as `livenessprobe` passes them. Their TypeScript declarations come from the
 * same schemas, so this walks each object against the declared type of its kind (read with the
 * TypeScript checker from `k8s-kinds.ts`) and reports every key the type does not declare.
 * Free-form maps (labels, annotations, trigger metadata) are index signatures and pass.
 */
export const createFieldChecker = (): FieldChecker => {
  const program = ts.createProgram([KINDS_FILE], {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2023,
    strict: true,
    skipLibCheck: true,
    noEmit: true,
    types: [],
  });
  // An import that does not resolve would turn a kind into `any` and let everything pass.
  const problems = ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
  if (problems.length > 0) throw new Error(`k8s-kinds.ts does not type-check:\n${problems.join('\n')}`);
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(KINDS_FILE);
  const moduleSymbol = source && checker.getSymbolAtLocation(source);
  const kindsSymbol = moduleSymbol && checker.getExportsOfModule(moduleSymbol).find((s) => s.name === 'KnownKinds');
  if (!kindsSymbol) throw new Error(`KnownKinds not found in ${KINDS_FILE}`);
  const kinds = checker.getDeclaredTypeOfSymbol(kindsSymbol);
  const typeOf = (symbol: ts.Symbol): ts.Type => checker.getTypeOfSymbol(symbol);

  const isArrayLike = (t: ts.Type): boolean => checker.getIndexTypeOfType(t, ts.IndexKind.Number) !== undefined;
  const isObjectLike = (t: ts.Type): boolean => (t.flags & ts.TypeFlags.Object) !== 0 && !isArrayLike(t);

  const walk = (value: unknown, declared: ts.Type, path: string, errors: string[]): void => {
    if (value === null || typeof value !== 'object') return; // scalar types are the validator's job
    const type = checker.getNonNullableType(declared);
    if (type.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown)) return;
    if (type.isUnion()) {
      const candidates = type.types.filter((m) => (Array.isArray(value) ? isArrayLike(m) : isObjectLike(m)));
      let best: string[] | undefined;
      for (const candidate of candidates) {
        const found: string[] = [];
        walk(value, candidate, path, found);
        if (!best || found.length < best.length) best = found;
        if (found.length === 0) break;
      }
      errors.push(...(best ?? [`${path}: no object or array allowed here`]));
      return;
    }
    if (type.flags & PRIMITIVE) {
      errors.push(`${path}: expected a scalar`);
      return;
    }
    if (Array.isArray(value)) {
      const element = checker.getIndexTypeOfType(type, ts.IndexKind.Number);
      if (!element) errors.push(`${path}: no array allowed here`);
      else value.forEach((item, i) => walk(item, element, `${path}/${i}`, errors));
      return;
    }
    const index = checker.getIndexTypeOfType(type, ts.IndexKind.String);
    for (const [key, item] of Object.entries(value)) {
      const property = type.getProperty(key);
      if (property) walk(item, typeOf(property), `${path}/${key}`, errors);
      else if (index) walk(item, index, `${path}/${key}`, errors);
      else errors.push(`${path}/${key}: unknown field`);
    }
  };

  return (kindKey, value) => {
    const kind = kinds.getProperty(kindKey);
    if (!kind) return [`${kindKey}: kind not listed in k8s-kinds.ts`];
    const type = typeOf(kind);
    if (type.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown)) return [`${kindKey}: its model type did not resolve`];
    const errors: string[] = [];
    walk(value, type, '', errors);
    return errors;
  };
};

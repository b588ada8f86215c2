import { readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { PROJECT_ROOT } from '../../../lib/PipelineFunction.js';
import { buildHandlerBundle } from '../../../lib/bundleHandler.js';
import { SDK_CALL_ACTIONS, SDK_HELPERS } from './sdkCallActions.js';

/** One place the code constructs an SDK command or calls an SDK function. */
export interface SdkCall {
  /** The module it is imported from, e.g. `@aws-sdk/client-s3`. */
  readonly module: string;
  /** The name it is exported as, e.g. `GetObjectCommand`. */
  readonly name: string;
  /** `path:line`, relative to the repository root. */
  readonly at: string;
}

export interface BundleCalls {
  /** The repository's own source files that put code into the bundle. */
  readonly sources: readonly string[];
  /** Each IAM action the bundle's SDK calls need, with the calls that need it. */
  readonly actions: ReadonlyMap<string, readonly SdkCall[]>;
  /** SDK calls SDK_CALL_ACTIONS has no entry for: the table must learn them. */
  readonly unmapped: readonly SdkCall[];
}

/**
 * The SDK calls a function's code makes, found in what is really deployed: the entry is bundled
 * as the stack bundles it (`buildHandlerBundle`), the metafile names the source files that put
 * bytes into the entry file or a chunk it ships (after tree shaking; dependencies left out), and each of those files is parsed for
 * `new <Name>Command(…)` and `paginate<Name>(…)` on names imported from `@aws-sdk/*`, by the
 * name they are exported as (aliases and namespace imports resolved). Any other constructor or
 * function imported from the SDK that is not a client, an error class or a known helper counts
 * as unmapped, so a new way of calling AWS cannot slip past the table.
 */
export async function sdkCallsOfBundle(entry: string): Promise<BundleCalls> {
  const { metafile } = await buildHandlerBundle(entry);
  const outputs = Object.values(metafile.outputs);
  if (!outputs.some((candidate) => candidate.entryPoint !== undefined)) throw new Error(`esbuild produced no bundle for ${entry}`);
  // The entry file and every chunk it ships: code that only import() reaches runs too, later.
  const inputs = outputs.flatMap((output) => Object.entries(output.inputs));
  const sources = [
    ...new Set(
      inputs
        // A plugin's virtual module (`node-builtin-require:node:http`) is named with its namespace and is no file.
        .filter(([path, input]) => input.bytesInOutput > 0 && !path.split('/').includes('node_modules') && !/^[\w-]+:/.test(path))
        .map(([path]) => path),
    ),
  ].sort();

  const actions = new Map<string, SdkCall[]>();
  const unmapped: SdkCall[] = [];
  for (const path of sources) {
    for (const call of sdkCallsIn(relative(PROJECT_ROOT, join(PROJECT_ROOT, path)), await readFile(join(PROJECT_ROOT, path), 'utf8'))) {
      const needed = SDK_CALL_ACTIONS[call.module]?.[call.name];
      if (needed === undefined) {
        if (!(await isErrorExport(call))) unmapped.push(call);
        continue;
      }
      for (const action of needed) actions.set(action, [...(actions.get(action) ?? []), call]);
    }
  }
  return { sources, actions, unmapped };
}

/**
 * True when the export is an error class (S3's `NoSuchKey`, DynamoDB's
 * `ConditionalCheckFailedException`): constructing one sends nothing.
 */
export async function isErrorExport({ module, name }: Pick<SdkCall, 'module' | 'name'>): Promise<boolean> {
  const loaded = (await import(module).catch(() => ({}))) as Record<string, unknown>;
  const exported = loaded[name];
  return typeof exported === 'function' && exported.prototype instanceof Error;
}

interface Imported {
  readonly module: string;
  readonly name: string;
}

/** The SDK calls in one TypeScript file. */
export function sdkCallsIn(path: string, text: string): SdkCall[] {
  const source = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const bindings = new Map<string, Imported>();
  const namespaces = new Map<string, string>();
  for (const statement of source.statements) {
    if (!ts.isImportDeclaration(statement) || !ts.isStringLiteral(statement.moduleSpecifier)) continue;
    const module = statement.moduleSpecifier.text;
    const clause = statement.importClause;
    if (!module.startsWith('@aws-sdk/') || !clause || clause.isTypeOnly) continue;
    if (clause.name) bindings.set(clause.name.text, { module, name: 'default' });
    const named = clause.namedBindings;
    if (named && ts.isNamespaceImport(named)) namespaces.set(named.name.text, module);
    if (named && ts.isNamedImports(named)) {
      for (const element of named.elements) {
        if (!element.isTypeOnly) bindings.set(element.name.text, { module, name: (element.propertyName ?? element.name).text });
      }
    }
  }

  const resolve = (callee: ts.Expression): Imported | undefined => {
    if (ts.isIdentifier(callee)) return bindings.get(callee.text);
    if (ts.isPropertyAccessExpression(callee) && ts.isIdentifier(callee.expression)) {
      const module = namespaces.get(callee.expression.text);
      return module === undefined ? undefined : { module, name: callee.name.text };
    }
    return undefined;
  };
  const isHelper = ({ module, name }: Imported) => name.endsWith('Client') || (SDK_HELPERS[module] ?? []).includes(name);

  const calls: SdkCall[] = [];
  const visit = (node: ts.Node): void => {
    const at = () => `${path}:${source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1}`;
    if (ts.isNewExpression(node)) {
      const imported = resolve(node.expression);
      if (imported && !isHelper(imported)) calls.push({ ...imported, at: at() });
    } else if (ts.isCallExpression(node)) {
      if (node.expression.kind === ts.SyntaxKind.ImportKeyword) {
        const [specifier] = node.arguments;
        if (specifier && ts.isStringLiteral(specifier) && specifier.text.startsWith('@aws-sdk/')) {
          calls.push({ module: specifier.text, name: 'import()', at: at() });
        }
      }
      const imported = resolve(node.expression);
      if (imported && !isHelper(imported)) calls.push({ ...imported, at: at() });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return calls;
}

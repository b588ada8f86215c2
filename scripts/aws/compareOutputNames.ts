/**
 * Compares the file names a real job wrote with those the emulator writes for the same job.
 * Names are compared exactly and by shape: the counter before the extension is folded into
 * `{n:W}` (its width), so `master_720p_00001.ts` … `_00002.ts` is one shape, `master_720p_{n:5}.ts`,
 * counted from 1. A shape tells naming apart from count (a segment more or less is timing, a
 * different shape is naming).
 */

export interface NameShape {
  readonly shape: string;
  readonly count: number;
  /** The first and last counter values (undefined for names without a counter). */
  readonly first: number | undefined;
  readonly last: number | undefined;
  /** Every counter from first to last is present. */
  readonly contiguous: boolean;
}

export interface NameComparison {
  readonly identical: boolean;
  readonly onlyAws: readonly string[];
  readonly onlyEmulator: readonly string[];
  readonly shapes: readonly { readonly shape: string; readonly aws: NameShape | undefined; readonly emulator: NameShape | undefined }[];
  /** One line per difference, for people. */
  readonly differences: readonly string[];
}

const COUNTER = /^(.*?)(\d+)(\.[A-Za-z0-9]+)$/;

/** `master_720p_00001.ts` → `{ shape: 'master_720p_{n:5}.ts', counter: 1 }`; names without a counter are their own shape. */
export function nameShape(name: string): { readonly shape: string; readonly counter: number | undefined } {
  const match = COUNTER.exec(name);
  // A digit run that is part of a word (`720p`) is not a counter: it must end right before the extension.
  if (!match) return { shape: name, counter: undefined };
  const [, stem, digits, extension] = match as unknown as [string, string, string, string];
  if (stem !== '' && !/[._-]$/.test(stem)) return { shape: name, counter: undefined };
  return { shape: `${stem}{n:${digits.length}}${extension}`, counter: Number(digits) };
}

export function shapesOf(names: readonly string[]): Map<string, NameShape> {
  const counters = new Map<string, (number | undefined)[]>();
  for (const name of names) {
    const { shape, counter } = nameShape(name);
    counters.set(shape, [...(counters.get(shape) ?? []), counter]);
  }
  const shapes = new Map<string, NameShape>();
  for (const [shape, values] of counters) {
    const numbers = values.filter((value): value is number => value !== undefined).sort((a, b) => a - b);
    const first = numbers[0];
    const last = numbers.at(-1);
    const contiguous = first === undefined || last === undefined || new Set(numbers).size === last - first + 1;
    shapes.set(shape, { shape, count: values.length, first, last, contiguous });
  }
  return shapes;
}

export function compareOutputNames(awsNames: readonly string[], emulatorNames: readonly string[]): NameComparison {
  const aws = new Set(awsNames);
  const emulator = new Set(emulatorNames);
  const onlyAws = [...aws].filter((name) => !emulator.has(name)).sort();
  const onlyEmulator = [...emulator].filter((name) => !aws.has(name)).sort();
  const awsShapes = shapesOf([...aws]);
  const emulatorShapes = shapesOf([...emulator]);
  const shapeNames = [...new Set([...awsShapes.keys(), ...emulatorShapes.keys()])].sort();
  const shapes = shapeNames.map((shape) => ({ shape, aws: awsShapes.get(shape), emulator: emulatorShapes.get(shape) }));
  const differences: string[] = [];
  for (const { shape, aws: onAws, emulator: onEmulator } of shapes) {
    if (onAws === undefined) differences.push(`only the emulator writes ${describe(onEmulator as NameShape)}`);
    else if (onEmulator === undefined) differences.push(`only AWS writes ${describe(onAws)}`);
    else if (onAws.count !== onEmulator.count || onAws.first !== onEmulator.first) {
      differences.push(`${shape}: AWS writes ${range(onAws)}, the emulator ${range(onEmulator)}`);
    }
  }
  return { identical: onlyAws.length === 0 && onlyEmulator.length === 0, onlyAws, onlyEmulator, shapes, differences };
}

function describe(shape: NameShape): string {
  return shape.first === undefined ? shape.shape : `${shape.shape} (${range(shape)})`;
}

function range(shape: NameShape): string {
  if (shape.first === undefined) return `${shape.count} file${shape.count === 1 ? '' : 's'}`;
  return `${shape.count} from ${shape.first} to ${shape.last}${shape.contiguous ? '' : ' with gaps'}`;
}

const UNITS = ['KiB', 'MiB', 'GiB', 'TiB'] as const;

/** A byte count for a message: in the largest binary unit it reaches, and exact (`5 GiB (5368709120 bytes)`). */
export function describeBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  let value = bytes;
  let unit = -1;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  const amount = Number.isInteger(value) ? String(value) : value.toFixed(1);
  return `${amount} ${UNITS[unit]} (${bytes} bytes)`;
}

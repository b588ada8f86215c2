import { describe, expect, it } from 'vitest';
import { EICAR_TEST_STRING, isEicarTestFile } from '../../../../local/scanner/EicarScannerDouble.js';

const bytes = (text: string) => Buffer.from(text, 'latin1');

describe('isEicarTestFile', () => {
  it('is the 68-character EICAR string, alone or followed by whitespace, up to 128 bytes', () => {
    expect(EICAR_TEST_STRING).toHaveLength(68);
    expect(isEicarTestFile(bytes(EICAR_TEST_STRING))).toBe(true);
    expect(isEicarTestFile(bytes(`${EICAR_TEST_STRING}\r\n`))).toBe(true);
    expect(isEicarTestFile(bytes(EICAR_TEST_STRING + ' '.repeat(60)))).toBe(true);
  });

  it('is nothing else: another file, the string after other bytes or before other content, or past 128 bytes', () => {
    expect(isEicarTestFile(bytes(''))).toBe(false);
    expect(isEicarTestFile(bytes('\x89PNG\r\n\x1a\n'))).toBe(false);
    expect(isEicarTestFile(bytes(`x${EICAR_TEST_STRING}`))).toBe(false);
    expect(isEicarTestFile(bytes(`${EICAR_TEST_STRING} and more`))).toBe(false);
    expect(isEicarTestFile(bytes(EICAR_TEST_STRING + ' '.repeat(61)))).toBe(false);
    expect(isEicarTestFile(bytes(EICAR_TEST_STRING.slice(0, 67)))).toBe(false);
  });
});

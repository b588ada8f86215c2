import { describe, expect, it } from 'vitest';
import { isLoopbackAddress } from '../../../local/isLoopbackAddress.js';

describe('isLoopbackAddress', () => {
  it.each(['127.0.0.1', '127.1.2.3', '::1', '::ffff:127.0.0.1', '::FFFF:127.0.0.2'])('counts %s as loopback', (address) => {
    expect(isLoopbackAddress(address)).toBe(true);
  });

  it.each(['192.168.1.20', '10.0.0.7', '::ffff:192.168.1.20', 'fe80::1', '::', '0.0.0.0', '128.0.0.1', 'localhost', '', undefined])(
    'does not count %s',
    (address) => {
      expect(isLoopbackAddress(address)).toBe(false);
    },
  );
});

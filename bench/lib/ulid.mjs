// ULIDs as the server makes them (Crockford base32: 10 characters of milliseconds, 16 of randomness), for
// rows a benchmark writes itself.
const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

function base32(n, length) {
  let out = '';
  for (let i = 0; i < length; i += 1) {
    out = CROCKFORD[n % 32] + out;
    n = Math.floor(n / 32);
  }
  return out;
}

/** Monotonic ULID-like ids (48-bit time, then a counter that starts at random within each millisecond). */
export function ulidFactory() {
  let lastTime = -1;
  let counter = 0;
  return () => {
    const now = Date.now();
    if (now !== lastTime) {
      lastTime = now;
      counter = Math.floor(Math.random() * 2 ** 39);
    } else counter += 1;
    return base32(now, 10) + base32(Math.floor(counter / 2 ** 40), 8) + base32(counter % 2 ** 40, 8);
  };
}

/** The millisecond a ULID was made. */
export function ulidTime(id) {
  let time = 0;
  for (const char of id.slice(0, 10)) time = time * 32 + CROCKFORD.indexOf(char);
  return time;
}

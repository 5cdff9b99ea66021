/**
 * Cuts a byte stream at the given points, as a serial line or socket may deliver it: codec tests
 * feed the pieces one by one and expect the same messages as from the whole (fast-check picks
 * the points; duplicates and points past the end are folded in).
 */
export function splitChunks(bytes: Buffer, points: number[]): Buffer[] {
  const cuts = [...new Set(points.map((p) => p % (bytes.length + 1)))].sort((a, b) => a - b);
  const chunks: Buffer[] = [];
  let start = 0;
  for (const cut of [...cuts, bytes.length]) {
    chunks.push(bytes.subarray(start, cut));
    start = cut;
  }
  return chunks;
}

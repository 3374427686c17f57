/** A span as people read it: `3d 4h`, `12m 5s`, `0.4s`. */
export function humanDuration(seconds: number): string {
  if (seconds < 60) return `${Math.round(seconds * 10) / 10}s`;
  const units: Array<[string, number]> = [
    ['d', 86400],
    ['h', 3600],
    ['m', 60],
    ['s', 1],
  ];
  const parts: string[] = [];
  let rest = Math.round(seconds);
  for (const [unit, size] of units) {
    if (rest >= size && parts.length < 2) parts.push(`${Math.floor(rest / size)}${unit}`);
    if (parts.length) rest %= size;
  }
  return parts.join(' ');
}

import { isIPv4, isIPv6 } from 'node:net';

/**
 * The unit a per-IP limit counts: an IPv4 address as is, an IPv4-mapped IPv6 address as its IPv4,
 * any other IPv6 address as its /64 network (one subscriber usually holds a whole /64, so counting
 * single addresses would be trivial to dodge). Undefined when `ip` is not an IP address.
 */
export const ipBucket = (ip: string): string | undefined => {
  const text = ip.trim();
  if (isIPv4(text)) return text;
  const groups = isIPv6(text) ? expandIPv6(text.replace(/%.*$/, '')) : undefined;
  if (!groups) return undefined;
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    const [hi = 0, lo = 0] = groups.slice(6);
    return [hi >> 8, hi & 0xff, lo >> 8, lo & 0xff].join('.');
  }
  return `${groups.slice(0, 4).map((g) => g.toString(16)).join(':')}::/64`;
};

/** `2001:db8::1` → eight 16-bit numbers; handles `::` and a dotted IPv4 tail. */
const expandIPv6 = (text: string): number[] | undefined => {
  const toGroups = (part: string): number[] =>
    part === ''
      ? []
      : part.split(':').flatMap((g) => {
          if (!g.includes('.')) return [parseInt(g, 16)];
          const [a = 0, b = 0, c = 0, d = 0] = g.split('.').map(Number);
          return [(a << 8) | b, (c << 8) | d];
        });
  const [head = '', tail] = text.toLowerCase().split('::');
  const first = toGroups(head);
  const last = tail === undefined ? [] : toGroups(tail);
  const groups = [...first, ...Array<number>(8 - first.length - last.length).fill(0), ...last];
  return groups.length === 8 && groups.every((g) => Number.isInteger(g) && g >= 0 && g <= 0xffff) ? groups : undefined;
};

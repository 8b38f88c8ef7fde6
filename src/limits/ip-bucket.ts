import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';

/**
 * The unit a per-IP limit counts: an IPv4 address as is, an IPv4-mapped IPv6 address as its IPv4,
 * any other IPv6 address as its /64 network (one subscriber usually holds a whole /64, so counting
 * single addresses would be trivial to dodge). Undefined when `ip` is not an IP address.
 *
 * Node's `isIP` is the gate: ipaddr.js also parses legacy IPv4 forms (`1.2.3`, `0x7f.1`, octal)
 * that no client sends and that would let one address be spelt many ways. The bucket's text is part
 * of the limit's Redis key, so its format (`2001:db8:0:0::/64`) must not change.
 */
export const ipBucket = (ip: string): string | undefined => {
  const text = ip.trim();
  const family = isIP(text);
  if (family === 0) return undefined;
  // The zone (`%eth0`) names an interface on this host, not part of the address.
  const address = ipaddr.process(family === 6 ? text.replace(/%.*$/, '') : text);
  if (address instanceof ipaddr.IPv4) return address.toString();
  return `${address.parts.slice(0, 4).map((part) => part.toString(16)).join(':')}::/64`;
};

/**
 * How long before a message's `expiresAt` every send to a provider must be over: answered, or cut
 * off. A send cut off exactly at `expiresAt` can still reach the vendor after it, since the abort
 * fires when the timer gets its turn (late under load) and bytes already written are on their way.
 * No send starts, and no retry or park is planned, within this margin.
 */
export const SEND_CUTOFF_MS = 250;

/** The moment the last send of a message must be over by: its `expiresAt` less the cut-off. */
export const sendByOf = (expiresAt: number): number => expiresAt - SEND_CUTOFF_MS;

import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import { clip, toIssues, ValidationError, type ValidationIssue } from '../errors/validation-error.js';
import { DEFAULT_REDIS_URL } from '../messages/defaults.js';
import { CHANNELS, type Channel } from '../messages/types.js';
import type { Logger } from 'pino';
import { instantiate, type Provider, type ProviderDefinition } from '../providers/types.js';
import type { ReceiptTools, ReceiptVerifier } from '../receipts/types.js';
import type { ProviderRegistry } from '../providers/registry.js';
import { parseKeyRing } from '../crypto/key-ring.js';
import { z } from 'zod';
import { circuitBreakerSchema, configSchema, connectorSchema, type ChannelConfig, type CircuitBreakerConfig, type Config, type ConnectorConfig } from './schema.js';
import { substitute } from './substitute.js';

/** A connector whose provider config passed the provider's own schema. */
export type ParsedConnector = {
  name: string;
  channel: Channel;
  /** The provider id (`smtp`, `twilio-sms`, …). */
  provider: string;
  /** The provider config as its schema parsed it (defaults applied): for display and checks only. */
  config: Readonly<Record<string, unknown>>;
  rateLimit: ConnectorConfig['rateLimit'];
  /** Its channel's `circuitBreaker` settings (the same for every connector of the channel). */
  breaker: CircuitBreakerConfig;
  /** Builds the provider from the config its schema validated here, at parse time. */
  build(logger: Logger): Provider;
  /** Receipts on (SPEC §8): the verifier of the vendor's webhooks, bound to this connector's configs. */
  receipts?: { verifier(tools: ReceiptTools): ReceiptVerifier };
};

export type LoadedConfig = {
  config: Config;
  /** Per channel: the active connector first, then the fallbacks in order. */
  chains: Record<Channel, ParsedConnector[]>;
};

/** Every problem of a config file. A ValidationError by name, so the CLI exits 2 on it. */
export class ConfigError extends ValidationError {
  constructor(issues: readonly ValidationIssue[]) {
    super(issues, 'config');
  }
}

export const defaultConfigPath = (env: NodeJS.ProcessEnv): string => env.OTP_COURIER_CONFIG ?? './otp-courier.yaml';

/** Reads, substitutes and validates a config file (YAML or JSON). Throws ConfigError listing every problem. */
export const loadConfigFile = async (path: string, registry: ProviderRegistry, env: NodeJS.ProcessEnv = process.env): Promise<LoadedConfig> => {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    throw new ConfigError([{ path: '', message: `cannot read config file ${path}` }]);
  }
  let raw: unknown;
  try {
    raw = parseYaml(text) ?? {};
  } catch (error) {
    const line = (error as { linePos?: { line: number }[] }).linePos?.[0]?.line;
    throw new ConfigError([{ path: '', message: `not valid YAML or JSON${line ? ` (line ${line})` : ''}` }]);
  }
  return parseConfig(raw, registry, env);
};

/** Validates an already parsed config tree. Throws ConfigError listing every problem. */
export const parseConfig = (raw: unknown, registry: ProviderRegistry, env: NodeJS.ProcessEnv = process.env): LoadedConfig => {
  const substituted = substitute(raw, { env });
  const parsed = configSchema.safeParse(substituted.value);
  if (!parsed.success) throw new ConfigError(dedupe(refusedIssues(parsed.error, substituted, registry)));
  const config = parsed.data;
  config.redis.url = redisUrlOf(config.redis, env);
  const issues = [...substituted.issues];
  const chains = {
    email: config.email ? parseChain(config.email, 'email', registry, issues) : [],
    sms: config.sms ? parseChain(config.sms, 'sms', registry, issues) : [],
  };
  issues.push(...keyRingIssues(config.security));
  if (config.email?.originBoundDomain) issues.push({ path: 'email.originBoundDomain', message: 'the origin-bound code line is for SMS only (sms.originBoundDomain)' });
  if (issues.length > 0) throw new ConfigError(dedupe(issues));
  return { config, chains };
};

/**
 * Everything wrong with a tree the schema refused: unset variables and unreadable files, the
 * schema's issues (minus fields already reported unresolved) and, so one run lists every problem,
 * each connector's provider config.
 */
const refusedIssues = (error: z.ZodError, substituted: ReturnType<typeof substitute>, registry: ProviderRegistry): ValidationIssue[] => {
  const unresolved = new Set(substituted.issues.map((i) => i.path));
  const issues = [...substituted.issues, ...toIssues(error).filter((i) => !unresolved.has(i.path))];
  for (const channel of CHANNELS) {
    const section = connectorSchemaSection.safeParse((substituted.value as Record<string, unknown> | null)?.[channel]);
    if (section.success) parseChain({ active: '', fallback: [], connectors: section.data.connectors, circuitBreaker: circuitBreakerSchema.parse({}) }, channel, registry, issues);
  }
  return issues;
};

/** The URL to use when no cluster or sentinel is given: `redis.url`, else env REDIS_URL, else DEFAULT_REDIS_URL. */
const redisUrlOf = (redis: Config['redis'], env: NodeJS.ProcessEnv): string | undefined =>
  redis.url ?? (redis.cluster || redis.sentinel ? undefined : (env.REDIS_URL ?? DEFAULT_REDIS_URL));

/** What the key ring itself refuses (key length, key ids), as a config issue. */
const keyRingIssues = ({ encryptionKeys }: Config['security']): ValidationIssue[] => {
  if (!encryptionKeys) return [];
  try {
    parseKeyRing(encryptionKeys);
    return [];
  } catch (error) {
    return [{ path: 'security.encryptionKeys', message: (error as Error).message }];
  }
};

/** Enough of a channel section to validate its connectors when the rest of the file is broken. */
const connectorSchemaSection = z.object({ connectors: z.record(z.string(), connectorSchema) });

const parseChain = (
  channelConfig: Pick<ChannelConfig, 'active' | 'fallback' | 'connectors' | 'circuitBreaker'>,
  channel: Channel,
  registry: ProviderRegistry,
  issues: ValidationIssue[],
): ParsedConnector[] => {
  const names = [channelConfig.active, ...channelConfig.fallback];
  const chain: ParsedConnector[] = [];
  for (const [name, connector] of Object.entries(channelConfig.connectors)) {
    const base = [channel, 'connectors', name];
    const definition = registry.get(connector.provider);
    if (!definition) {
      issues.push({ path: [...base, 'provider'].join('.'), message: `unknown provider "${clip(connector.provider)}"; known: ${[...registry.keys()].join(', ')}` });
      continue;
    }
    if (!definition.channels.includes(channel)) {
      issues.push({ path: [...base, 'provider'].join('.'), message: `provider "${clip(connector.provider)}" does not send ${channel}` });
      continue;
    }
    const result = definition.configSchema.safeParse(connector.config);
    const receipts = receiptsBlock(definition, connector.receipts, base, issues);
    if (!result.success) {
      issues.push(...toIssues(result.error, [...base, 'config']));
      continue;
    }
    if (receipts === INVALID) continue;
    const limits = { rateLimit: connector.rateLimit, breaker: channelConfig.circuitBreaker };
    if (names.includes(name)) chain.push(boundConnector(name, channel, definition, result.data, limits, receipts));
  }
  return names.flatMap((n) => chain.filter((c) => c.name === n));
};

const INVALID = Symbol('invalid receipts block');

/** A connector's `receipts` block checked by its provider's receipts schema: the value, none, or INVALID (issues pushed). */
const receiptsBlock = (definition: ProviderDefinition, block: Record<string, unknown> | undefined, base: string[], issues: ValidationIssue[]): { value: unknown } | undefined | typeof INVALID => {
  if (block === undefined) return undefined;
  if (!definition.receipts) {
    issues.push({ path: [...base, 'receipts'].join('.'), message: `provider "${definition.id}" has no delivery receipts` });
    return INVALID;
  }
  const parsed = definition.receipts.schema.safeParse(block);
  if (parsed.success) return { value: parsed.data };
  issues.push(...toIssues(parsed.error, [...base, 'receipts']));
  return INVALID;
};

const boundConnector = <S extends z.ZodType>(
  name: string,
  channel: Channel,
  definition: ProviderDefinition<S>,
  config: z.infer<S>,
  limits: Pick<ParsedConnector, 'rateLimit' | 'breaker'>,
  receipts: { value: unknown } | undefined,
): ParsedConnector => {
  const kit = definition.receipts;
  return {
    name,
    channel,
    provider: definition.id,
    config: config as Readonly<Record<string, unknown>>,
    ...limits,
    build: (logger) =>
      instantiate(definition, config, { name, channel, logger: logger.child({ connector: name, provider: definition.id }), ...(receipts && { receipts: receipts.value }) }),
    ...(receipts && kit && { receipts: { verifier: (tools: ReceiptTools) => kit.create(receipts.value, config, tools) } }),
  };
};

const dedupe = (issues: ValidationIssue[]): ValidationIssue[] => {
  const seen = new Set<string>();
  return issues.filter((i) => {
    const key = `${i.path}\u0000${i.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
};

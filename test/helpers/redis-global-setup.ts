import type { TestProject } from 'vitest/node';
import { findOnPath, startRedisServer } from '../../src/redis/local-server.js';

declare module 'vitest' {
  export interface ProvidedContext {
    redisUrl: string;
    redisServerBinary: string;
  }
}

/**
 * One real Redis for the whole run: `REDIS_URL`, else `redis-server` from PATH on a free port,
 * else a Testcontainers Redis when a Docker engine answers. No mocks.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const binary = (await findOnPath('redis-server')) ?? '';
  project.provide('redisServerBinary', binary);
  if (process.env.REDIS_URL) {
    project.provide('redisUrl', process.env.REDIS_URL);
    return async () => {};
  }
  if (binary) {
    const redis = await startRedisServer({ binary });
    project.provide('redisUrl', redis.url);
    return () => redis.stop();
  }
  try {
    const { RedisContainer } = await import('@testcontainers/redis');
    const container = await new RedisContainer('redis:7-alpine').start();
    project.provide('redisUrl', container.getConnectionUrl());
    return async () => {
      await container.stop();
    };
  } catch {
    // no Docker engine: last resort below
  }
  try {
    // Downloads and builds Redis on first use (needs internet and a C compiler).
    const { RedisMemoryServer } = await import('redis-memory-server');
    const server = await RedisMemoryServer.create();
    project.provide('redisUrl', `redis://${await server.getHost()}:${await server.getPort()}`);
    return async () => void (await server.stop());
  } catch (error) {
    throw new Error(
      'No Redis for the tests: set REDIS_URL, install redis-server (apt-get install -y redis-server), ' +
        `or run a Docker engine for Testcontainers. (${(error as Error).message})`,
      { cause: error },
    );
  }
}

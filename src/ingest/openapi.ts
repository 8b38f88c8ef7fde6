import type { FastifyInstance } from 'fastify';
import { z } from 'zod';

/** A response of a documented route: JSON by zod schema, or another content type described in words. */
export type ResponseDoc = { description: string; schema?: z.ZodType; contentType?: string; example?: unknown };

/** What `/openapi.json` says about one route. Schemas are the ones that validate the requests. */
export type RouteDoc = {
  summary: string;
  description?: string;
  tags: readonly string[];
  /** The request body: JSON checked by `schema`, or (`schema` absent) bytes in the vendor's own format. */
  body?: { schema?: z.ZodType; contentType?: string; example?: unknown; description?: string };
  parameters?: readonly { name: string; in: 'query' | 'header' | 'path'; schema: z.ZodType; description: string; required?: boolean }[];
  responses: Readonly<Record<string, ResponseDoc>>;
  /** `ingest`: behind `ingest.authorization` (when set). `none`: open or verified its own way (see the description). */
  security: 'ingest' | 'none';
};

/** A route as Fastify registered it. */
export type RegisteredRoute = { method: string; url: string };

/** Records every route registered on `app` from now on (HEAD twins of GETs left out). */
export const collectRoutes = (app: FastifyInstance): RegisteredRoute[] => {
  const routes: RegisteredRoute[] = [];
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) if (method !== 'HEAD') routes.push({ method, url: route.url });
  });
  return routes;
};

const jsonSchema = (schema: z.ZodType): Record<string, unknown> => {
  const { $schema: _, ...rest } = z.toJSONSchema(schema, { target: 'draft-2020-12', io: 'input', unrepresentable: 'any' });
  return rest;
};

/** Fastify's `/v1/receipts/:channel/:connector` → OpenAPI's `/v1/receipts/{channel}/{connector}`. */
export const openApiPath = (url: string): string => url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');

const responseOf = ({ description, schema, contentType = 'application/json', example }: ResponseDoc) => ({
  description,
  ...((schema || example !== undefined) && { content: { [contentType]: { ...(schema && { schema: jsonSchema(schema) }), ...(example !== undefined && { example }) } } }),
});

const operationOf = (doc: RouteDoc) => ({
  summary: doc.summary,
  ...(doc.description && { description: doc.description }),
  tags: [...doc.tags],
  ...(doc.parameters && { parameters: doc.parameters.map((p) => ({ name: p.name, in: p.in, required: p.in === 'path' || p.required === true, description: p.description, schema: jsonSchema(p.schema) })) }),
  ...(doc.body && {
    requestBody: {
      required: true,
      ...(doc.body.description && { description: doc.body.description }),
      content: { [doc.body.contentType ?? 'application/json']: { schema: doc.body.schema ? jsonSchema(doc.body.schema) : {}, ...(doc.body.example !== undefined && { example: doc.body.example }) } },
    },
  }),
  responses: Object.fromEntries(Object.entries(doc.responses).map(([status, r]) => [status, responseOf(r)])),
  security: doc.security === 'ingest' ? [{ ingestAuthorization: [] }, {}] : [],
});

/**
 * The OpenAPI 3.1 document of `routes`, each described by `docs` (keyed `METHOD /path` as Fastify
 * spells it). A route without a description is listed with the summary "undocumented" (a test
 * fails on that).
 */
export const openApiDocument = (routes: readonly RegisteredRoute[], docs: ReadonlyMap<string, RouteDoc>, version: string) => {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const { method, url } of routes) {
    const doc = docs.get(`${method} ${url}`) ?? { summary: 'undocumented', tags: [], responses: { default: { description: 'undocumented' } }, security: 'none' as const };
    (paths[openApiPath(url)] ??= {})[method.toLowerCase()] = operationOf(doc);
  }
  return {
    openapi: '3.1.0',
    info: { title: 'otp-courier ingest', version, description: 'The HTTP producer of otp-courier (SPEC §5, §8, §9): Logto-compatible send routes, vendor receipt webhooks, platform hooks and ops endpoints.' },
    paths,
    components: { securitySchemes: { ingestAuthorization: { type: 'apiKey', in: 'header', name: 'Authorization', description: 'One of `ingest.authorization` (for example `Bearer …`); open when that list is not set.' } } },
  };
};

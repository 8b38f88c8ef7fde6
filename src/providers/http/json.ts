/** A vendor body as JSON, or undefined when it is not JSON (proxies answer with HTML). */
export const parseJson = (text: string): unknown => {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
};

/** `Authorization: Basic …` value for a user and password (either may be empty). */
export const basicAuth = (user: string, password: string): string => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

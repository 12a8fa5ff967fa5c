// Raw HTTP for platform tests: a call to a deployed endpoint (with its key, or none), and a
// GraphQL request to the platform API (what the client does, without depending on its methods).

export interface Answer {
  status: number;
  body: { data?: any; errors?: Array<{ message: string; extensions?: { code?: string } }> };
}

/** POSTs `query` to a service endpoint with `x-user-authorization: key` (none when undefined). */
export async function call(url: string, key: string | undefined, query: string, headers: Record<string, string> = {}): Promise<Answer> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(key ? { 'x-user-authorization': key } : {}), ...headers },
    body: JSON.stringify({ query }),
  });
  return { status: res.status, body: (await res.json()) as Answer['body'] };
}

/**
 * Runs `query` on the platform at `platform.url` as `platform.token` (a PlatformClient is one);
 * a GraphQL error is thrown, with its `extensions.code` as `code`.
 */
export async function api<T = any>(
  platform: { url: string; token?: string },
  query: string,
  variables: Record<string, unknown> = {},
): Promise<T> {
  const res = await fetch(`${platform.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(platform.token ? { authorization: `Bearer ${platform.token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as { data?: T; errors?: Array<{ message: string; extensions?: { code?: string } }> };
  if (body.errors?.length) {
    const e = new Error(body.errors.map((x) => x.message).join('; ')) as Error & { code?: string };
    e.code = body.errors[0].extensions?.code;
    throw e;
  }
  return body.data as T;
}

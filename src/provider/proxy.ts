// HTTP_PROXY / HTTPS_PROXY / NO_PROXY (lower-case first, as undici and curl read them) for every
// request: chat, /generation and /models. undici's EnvHttpProxyAgent does the routing and the
// NO_PROXY matching. Imported like the rest of undici (undici.ts), so the CLI bundle holds one
// copy of undici: a second one, loaded from node_modules, would throw errors of its own classes.
import type * as Undici from 'undici';
import EnvHttpProxyAgentClass from 'undici/lib/dispatcher/env-http-proxy-agent.js';
import { ConfigError } from '../errors.js';

export interface ProxySettings {
  /** For http:// endpoints. */
  http: string | null;
  /** For https:// endpoints; undici falls back to `http` when this is unset. */
  https: string | null;
  /** Comma- or space-separated hosts (`host`, `.domain`, `*.domain`, `host:port`, `*`) that go direct. */
  noProxy: string;
}

type Vars = Record<string, string | undefined>;

/** The proxy the environment asks for, or null for none. A value that is not a URL is a ConfigError. */
export function proxyFromEnv(env: Vars): ProxySettings | null {
  const http = proxyUrl(env, 'http_proxy');
  const https = proxyUrl(env, 'https_proxy');
  if (http === null && https === null) return null;
  return { http, https, noProxy: value(env, 'no_proxy') ?? '' };
}

function value(env: Vars, lower: string): string | undefined {
  const found = [lower, lower.toUpperCase()].find((name) => env[name] !== undefined && env[name]!.trim() !== '');
  return found === undefined ? undefined : env[found]!.trim();
}

function proxyUrl(env: Vars, lower: string): string | null {
  const raw = value(env, lower);
  if (raw === undefined) return null;
  // `proxy.corp:3128` without a scheme means http://, as curl reads it.
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? raw : `http://${raw}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    url = new URL('invalid:');
  }
  if (!['http:', 'https:', 'socks5:', 'socks:'].includes(url.protocol) || url.hostname === '') {
    const name = env[lower] !== undefined ? lower : lower.toUpperCase();
    throw new ConfigError(`Expected ${name} to be a proxy URL like http://proxy.example:3128, got "${withoutCredentials(withScheme)}"`);
  }
  return withScheme;
}

/** The proxy URL as it may be shown: no user, no password. */
export function withoutCredentials(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.username = '';
    parsed.password = '';
    return parsed.href.replace(/\/$/, '');
  } catch {
    return url.replace(/\/\/[^/@]*@/, '//');
  }
}

/** One line for --verbose: where requests go, credentials left out. */
export function describeProxy(proxy: ProxySettings): string {
  const parts: string[] = [];
  if (proxy.https ?? proxy.http) parts.push(`https:// through ${withoutCredentials((proxy.https ?? proxy.http)!)}`);
  if (proxy.http) parts.push(`http:// through ${withoutCredentials(proxy.http)}`);
  else parts.push('http:// direct');
  return `proxy: ${parts.join(', ')}${proxy.noProxy ? `; direct for NO_PROXY ${proxy.noProxy}` : ''}`;
}

type AgentOptions = ConstructorParameters<typeof Undici.Agent>[0];

/** A dispatcher that sends each request through the proxy its origin calls for (or direct). */
export function proxyAgent(proxy: ProxySettings, options: AgentOptions = {}): Undici.Dispatcher {
  const EnvHttpProxyAgent = EnvHttpProxyAgentClass as typeof Undici.EnvHttpProxyAgent;
  // Explicit values, so undici reads nothing from process.env behind the injected environment:
  // '' means "none" to it, where undefined would fall back to the process's own variables.
  // proxyTunnel false: an http:// endpoint is fetched with an absolute URI, as curl does; most
  // proxies allow CONNECT to port 443 only. https:// always tunnels.
  return new EnvHttpProxyAgent({ ...options, httpProxy: proxy.http ?? '', httpsProxy: proxy.https ?? '', noProxy: proxy.noProxy, proxyTunnel: false });
}

const shared = new Map<string, Undici.Dispatcher>();
/** For one-off requests (/models): one agent per proxy setting for the whole process; undefined without a proxy. */
export function proxyDispatcher(env: Vars): Undici.Dispatcher | undefined {
  const proxy = proxyFromEnv(env);
  if (proxy === null) return undefined;
  const key = JSON.stringify(proxy);
  let agent = shared.get(key);
  if (!agent) shared.set(key, (agent = proxyAgent(proxy)));
  return agent;
}

/** `read-write` (default): hits answer, new answers are stored. `read`: hits answer, nothing is stored. `write`: every job is sent, answers without an entry are stored. `refresh`: every job is sent, every answer replaces its entry. */
export const CACHE_MODES = ['read-write', 'read', 'write', 'refresh'] as const;
export type CacheMode = (typeof CACHE_MODES)[number];

export const readsCache = (mode: CacheMode): boolean => mode === 'read-write' || mode === 'read';
export const writesCache = (mode: CacheMode): boolean => mode !== 'read';

export interface CachePlan {
  dir: string;
  mode: CacheMode;
  /** What the key says the endpoint is: the base URL (credentials redacted), or the simulator's fixed name. */
  base: string;
  /** cache_repeats: the repeat index is left out of the key, so every repeat shares one answer. */
  repeats: boolean;
}

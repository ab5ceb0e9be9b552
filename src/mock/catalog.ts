// The simulator's model catalog. Prices are USD per token as decimal strings, as /models publishes
// them; timing profiles are realistic in shape but brisk, so an example suite finishes in seconds.

/** Per-token prices. Only `prompt` and `completion` are required; zero-valued extras are left out. */
export interface MockPricing {
  prompt: string;
  completion: string;
  internal_reasoning?: string;
  input_cache_read?: string;
  input_cache_write?: string;
  web_search?: string;
}

export interface MockReasoning {
  /** The model always reasons, whatever the request says. */
  mandatory: boolean;
  default_enabled: boolean;
  format: string; // reasoning_details[].format in the stream
  /** Typical number of reasoning tokens at medium effort. */
  tokens: number;
}

export interface MockModel {
  id: string;
  /** Dated permaslug: what the chunks' `model` field reports. */
  canonical_slug: string;
  name: string;
  created: number;
  description: string;
  context_length: number;
  max_completion_tokens: number;
  input_modalities: string[];
  tokenizer: string;
  instruct_type: string | null;
  pricing: MockPricing;
  /** Provider display names; each request is served by one, picked from the request hash. */
  providers: string[];
  system_fingerprint: string | null;
  /** Provider-native finish reasons for a natural stop and for hitting max_tokens. */
  native_stop: string;
  native_length: string;
  /** Typical time to first token, gap between tokens, and answer length. */
  ttft_ms: number;
  itl_ms: number;
  tokens: number;
  supported_parameters: string[];
  reasoning?: MockReasoning;
  /** Per-provider profiles for requests pinned with `provider.only`; absent: every provider serves at the model's. */
  endpoints?: MockEndpoint[];
}

/** One provider's endpoint for a model: what a request pinned to it gets. */
export interface MockEndpoint {
  /** The routing slug (`provider.only`, `endpoints[].tag`). */
  tag: string;
  /** The display name the chunks' `provider` reports. */
  name: string;
  ttft_ms: number;
  itl_ms: number;
  /** At most the model's listed price, so a budget reserved at /models prices still holds. */
  pricing: MockPricing;
}

const SAMPLING = ['frequency_penalty', 'max_tokens', 'presence_penalty', 'seed', 'stop', 'temperature', 'top_p'];
const REASONING_PARAMS = ['include_reasoning', 'reasoning', 'reasoning_effort'];

export const CATALOG: readonly MockModel[] = [
  {
    id: 'openai/gpt-4o-mini',
    canonical_slug: 'openai/gpt-4o-mini-2024-07-18',
    name: 'OpenAI: GPT-4o-mini',
    created: 1721260800,
    description: 'A small, fast and inexpensive multimodal model for everyday tasks (simulated).',
    context_length: 128000,
    max_completion_tokens: 16384,
    input_modalities: ['text', 'image', 'file'],
    tokenizer: 'GPT',
    instruct_type: null,
    pricing: { prompt: '0.00000015', completion: '0.0000006', input_cache_read: '0.000000075' },
    providers: ['Azure', 'OpenAI'],
    system_fingerprint: 'fp_4c2a9e11d0',
    native_stop: 'stop',
    native_length: 'length',
    ttft_ms: 300,
    itl_ms: 10,
    tokens: 40,
    supported_parameters: [...SAMPLING, 'max_completion_tokens', 'response_format', 'structured_outputs', 'tool_choice', 'tools'],
  },
  {
    id: 'anthropic/claude-sonnet-4.5',
    canonical_slug: 'anthropic/claude-4.5-sonnet-20250929',
    name: 'Anthropic: Claude Sonnet 4.5',
    created: 1759161600,
    description: 'A frontier model for coding and agents with optional extended thinking (simulated).',
    context_length: 1000000,
    max_completion_tokens: 64000,
    input_modalities: ['text', 'image', 'file'],
    tokenizer: 'Claude',
    instruct_type: null,
    pricing: { prompt: '0.000003', completion: '0.000015', input_cache_read: '0.0000003', input_cache_write: '0.00000375' },
    providers: ['Anthropic', 'Google', 'Amazon Bedrock'],
    system_fingerprint: null,
    native_stop: 'end_turn',
    native_length: 'max_tokens',
    ttft_ms: 550,
    itl_ms: 20,
    tokens: 60,
    supported_parameters: [...SAMPLING, ...REASONING_PARAMS, 'tool_choice', 'tools', 'top_k'],
    reasoning: { mandatory: false, default_enabled: false, format: 'anthropic-claude-v1', tokens: 30 },
  },
  {
    id: 'google/gemini-2.5-flash',
    canonical_slug: 'google/gemini-2.5-flash-20250617',
    name: 'Google: Gemini 2.5 Flash',
    created: 1750118400,
    description: 'A fast general-purpose model with a long context window (simulated).',
    context_length: 1048576,
    max_completion_tokens: 65535,
    input_modalities: ['text', 'image', 'file', 'audio', 'video'],
    tokenizer: 'Gemini',
    instruct_type: null,
    pricing: { prompt: '0.0000003', completion: '0.0000025', input_cache_read: '0.000000075' },
    providers: ['Google AI Studio', 'Google'],
    system_fingerprint: null,
    native_stop: 'STOP',
    native_length: 'MAX_TOKENS',
    ttft_ms: 400,
    itl_ms: 8,
    tokens: 70,
    supported_parameters: [...SAMPLING, 'response_format', 'structured_outputs', 'tool_choice', 'tools'],
  },
  {
    id: 'meta-llama/llama-3.1-8b-instruct',
    canonical_slug: 'meta-llama/llama-3.1-8b-instruct-20240723',
    name: 'Meta: Llama 3.1 8B Instruct',
    created: 1721692800,
    description: 'A small open-weights instruction-tuned model served by several hosts (simulated).',
    context_length: 131072,
    max_completion_tokens: 16384,
    input_modalities: ['text'],
    tokenizer: 'Llama3',
    instruct_type: 'llama3',
    pricing: { prompt: '0.00000002', completion: '0.00000005' },
    providers: ['DeepInfra', 'Groq', 'Together'],
    system_fingerprint: null,
    native_stop: 'stop',
    native_length: 'length',
    ttft_ms: 180,
    itl_ms: 8,
    tokens: 35,
    supported_parameters: [...SAMPLING, 'min_p', 'repetition_penalty', 'top_k'],
    // Two hosts far apart, as OpenRouter's are: one fast at the listed price, one slow at half of it.
    endpoints: [
      { tag: 'deepinfra', name: 'DeepInfra', ttft_ms: 360, itl_ms: 16, pricing: { prompt: '0.00000001', completion: '0.000000025' } },
      { tag: 'groq', name: 'Groq', ttft_ms: 90, itl_ms: 3, pricing: { prompt: '0.00000002', completion: '0.00000005' } },
      { tag: 'together', name: 'Together', ttft_ms: 180, itl_ms: 8, pricing: { prompt: '0.00000002', completion: '0.00000005' } },
    ],
  },
  {
    id: 'deepseek/deepseek-r1',
    canonical_slug: 'deepseek/deepseek-r1-20250120',
    name: 'DeepSeek: R1',
    created: 1737331200,
    description: 'An open reasoning model that always thinks before it answers (simulated).',
    context_length: 163840,
    max_completion_tokens: 32768,
    input_modalities: ['text'],
    tokenizer: 'DeepSeek',
    instruct_type: 'deepseek-r1',
    pricing: { prompt: '0.0000004', completion: '0.000002' },
    providers: ['DeepInfra', 'Together'],
    system_fingerprint: null,
    native_stop: 'stop',
    native_length: 'length',
    ttft_ms: 500,
    itl_ms: 15,
    tokens: 30,
    supported_parameters: [...SAMPLING, ...REASONING_PARAMS],
    reasoning: { mandatory: true, default_enabled: true, format: 'unknown', tokens: 40 },
  },
  {
    id: 'mock/echo',
    canonical_slug: 'mock/echo-20260101',
    name: 'Mock: Echo (free)',
    created: 1767225600,
    description: 'Repeats the last user message back; free, for offline checks of the pipeline.',
    context_length: 32768,
    max_completion_tokens: 4096,
    input_modalities: ['text'],
    tokenizer: 'Other',
    instruct_type: null,
    pricing: { prompt: '0', completion: '0' },
    providers: ['Mock'],
    system_fingerprint: null,
    native_stop: 'stop',
    native_length: 'length',
    ttft_ms: 150,
    itl_ms: 8,
    tokens: 20,
    supported_parameters: SAMPLING,
  },
  {
    id: 'mock/judge',
    canonical_slug: 'mock/judge-20260101',
    name: 'Mock: Judge',
    created: 1767225600,
    description: 'Grades like an LLM judge: its score is the share of the rubric\'s words (4+ letters) found in the answer, so a test knows the right verdict.',
    context_length: 32768,
    max_completion_tokens: 4096,
    input_modalities: ['text'],
    tokenizer: 'Other',
    instruct_type: null,
    pricing: { prompt: '0.000001', completion: '0.000002' },
    providers: ['Mock'],
    system_fingerprint: null,
    native_stop: 'stop',
    native_length: 'length',
    ttft_ms: 100,
    itl_ms: 2,
    tokens: 20,
    supported_parameters: [...SAMPLING, 'response_format', 'structured_outputs'],
  },
  {
    id: 'mock/tools',
    canonical_slug: 'mock/tools-20260101',
    name: 'Mock: Tool caller',
    created: 1767225600,
    description: 'Calls the tool the prompt names (or tool_choice forces) with the JSON object in the prompt as its arguments; otherwise answers in words.',
    context_length: 32768,
    max_completion_tokens: 4096,
    input_modalities: ['text'],
    tokenizer: 'Other',
    instruct_type: null,
    pricing: { prompt: '0.0000005', completion: '0.000001' },
    providers: ['Mock'],
    system_fingerprint: null,
    native_stop: 'stop',
    native_length: 'length',
    ttft_ms: 120,
    itl_ms: 4,
    tokens: 12,
    supported_parameters: [...SAMPLING, 'tools', 'tool_choice', 'parallel_tool_calls'],
  },
];

const BY_ID = new Map(CATALOG.map((m) => [m.id, m]));

export function findModel(id: string): MockModel | undefined {
  return BY_ID.get(id);
}

// Prompt/response text helpers: validating message lists, standard <-> conversational, shared prefixes,
// and Anthropic HH dialogues ("\n\nHuman: ...\n\nAssistant: ...").
import type { Message, Text } from './types.js';

/** Reads a prompt/response value: a string, or a list of {role, content} strings. Returns undefined if neither. */
export function asText(v: unknown): Text | undefined {
  if (typeof v === 'string') return v;
  if (!Array.isArray(v)) return undefined;
  const out: Message[] = [];
  for (const m of v) {
    if (m === null || typeof m !== 'object' || Array.isArray(m)) return undefined;
    const { role, content } = m as Record<string, unknown>;
    if (typeof role !== 'string' || typeof content !== 'string') return undefined;
    out.push({ role, content });
  }
  return out;
}

export function isConversational(t: Text): t is Message[] {
  return typeof t !== 'string';
}

/** A prompt as messages: an HH dialogue ("\n\nHuman: ...") is split into turns; other strings become one user message. */
export function promptMessages(t: Text): Message[] {
  if (typeof t !== 'string') return t;
  if (/^\s*\n\nHuman:/.test(t) || t.startsWith('Human:')) return parseHhDialogue(t.startsWith('Human:') ? `\n\n${t}` : t);
  return [{ role: 'user', content: t }];
}

/** A response as messages: a string becomes one assistant message. */
export function responseMessages(t: Text): Message[] {
  return typeof t === 'string' ? [{ role: 'assistant', content: t }] : t;
}

const ROLE_LABEL: Record<string, string> = { user: 'Human', assistant: 'Assistant', system: 'System' };

/**
 * A prompt as plain text: a single user message is its content; longer conversations are rendered in the HH
 * style ("\n\nHuman: ...\n\nAssistant: ...") ending with "\n\nAssistant:" so a response can follow.
 */
export function promptString(t: Text): string {
  if (typeof t === 'string') return t;
  if (t.length === 1 && t[0]!.role === 'user') return t[0]!.content;
  return `${t.map((m) => `\n\n${ROLE_LABEL[m.role] ?? m.role}: ${m.content}`).join('')}\n\nAssistant:`;
}

/** A response as plain text: the messages' contents joined by blank lines (one message: its content). */
export function responseString(t: Text): string {
  return typeof t === 'string' ? t : t.map((m) => m.content).join('\n\n');
}

/** Parses an HH-style dialogue into messages; text before the first turn marker becomes a system message. */
export function parseHhDialogue(s: string): Message[] {
  const re = /\n\n(Human|Assistant):[ ]?/g;
  const out: Message[] = [];
  let last = 0;
  let role: string | null = null;
  for (let m = re.exec(s); m; m = re.exec(s)) {
    const body = s.slice(last, m.index);
    if (role !== null) out.push({ role, content: body });
    else if (body.trim() !== '') out.push({ role: 'system', content: body.trim() });
    role = m[1] === 'Human' ? 'user' : 'assistant';
    last = m.index + m[0].length;
  }
  if (role !== null) {
    const body = s.slice(last);
    // A trailing "Assistant:" with nothing after it is the cue for a response, not an empty turn.
    if (!(role === 'assistant' && body === '')) out.push({ role, content: body });
  } else if (s.trim() !== '') out.push({ role: 'user', content: s });
  return out;
}

/** Length of the common prefix of two strings. */
export function commonPrefixLength(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  return i;
}

/** Number of equal leading messages of two lists. */
export function commonMessagesLength(a: Message[], b: Message[]): number {
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a[i]!.role === b[i]!.role && a[i]!.content === b[i]!.content) i++;
  return i;
}

export const HH_ASSISTANT = '\n\nAssistant:';

/**
 * Splits two HH dialogues into prompt (shared, up to and including the last "\n\nAssistant:" both share)
 * and the two responses. Returns undefined when they share no such prefix.
 */
export function splitHh(chosen: string, rejected: string): { prompt: string; chosen: string; rejected: string } | undefined {
  const common = commonPrefixLength(chosen, rejected);
  let at = chosen.lastIndexOf(HH_ASSISTANT, common - HH_ASSISTANT.length);
  if (at < 0 || at + HH_ASSISTANT.length > common) return undefined;
  at += HH_ASSISTANT.length;
  return { prompt: chosen.slice(0, at), chosen: chosen.slice(at), rejected: rejected.slice(at) };
}

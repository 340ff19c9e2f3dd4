/** The one error type Pillory throws on purpose: a stable code, a sentence for humans, an optional cause. */
export class PilloryError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PilloryError';
    this.code = code;
  }
}

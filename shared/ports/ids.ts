/** Fresh identifiers; injected so tests and the local runtime can make them predictable. */
export interface IdGenerator {
  /** Sortable unique id (ULID) for cases and timeline events. */
  next(): string;
  /** Entropy for a human-friendly case number. */
  caseNumberEntropy(): Uint8Array;
}

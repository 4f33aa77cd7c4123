/** The operator's IP reputation document could not be read; the message names the entry and what is allowed. */
export class IpListsError extends Error {
  override readonly name = 'IpListsError';
  constructor(message: string) {
    super(`IP lists: ${message}`);
  }
}

/**
 * `text` as one POSIX shell word, quoted only when it has to be, so a command printed for the user (a resume
 * command, a report command) can be pasted as is even when a path holds spaces or quotes.
 */
export const shellWord = (text: string): string =>
  /^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replaceAll("'", `'\\''`)}'`

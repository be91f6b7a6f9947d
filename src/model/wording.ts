// Numbers with their nouns in messages and reports: "1 epoch", "3 epochs" (never "1 epochs").
// Browser-safe: the library's error messages use it too.

/** `count(1, 'epoch')` → "1 epoch"; `count(2, 'class', 'classes')` → "2 classes". */
export function count(
  n: number | bigint | string | undefined,
  noun: string,
  plural = `${noun}s`,
): string {
  return `${n} ${String(n) === '1' ? noun : plural}`;
}

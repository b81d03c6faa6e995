// An exercise README's hints: the `<details>` blocks whose summary starts with "Hint", in order, so the
// CLI can give them one at a time. Pure: text in, hints out.
export function hintsOf(readme: string): string[] {
  const out: string[] = [];
  for (const m of readme.matchAll(/<details>\s*<summary>\s*Hint[^<]*<\/summary>([\s\S]*?)<\/details>/gi))
    out.push(m[1]!.trim());
  return out;
}

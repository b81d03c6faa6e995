import { expect, test } from 'bun:test';
import { hintsOf } from './hints.ts';

test("an exercise README's hints, in order, without the other <details> blocks", () => {
  const readme = `# x\n<details><summary>Hint 1</summary>\n\nFirst.\n</details>\n<details><summary>Why</summary>no</details>\n<details>\n<summary>Hint 2 (the loop)</summary>\nSecond.\n</details>`;
  expect(hintsOf(readme)).toEqual(['First.', 'Second.']);
});

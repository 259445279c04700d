// A sample of the seeded defects (every 9th: 5 of them, across areas), each caught by the
// requirement it names and the reference passing it; the whole matrix is test/full/mutants-*.test.ts.
import { killMatrix } from './mutant-kill.js';

killMatrix(0, 1, 9);

import { killMatrix } from '../mutant-kill.js';

killMatrix(1, 2);

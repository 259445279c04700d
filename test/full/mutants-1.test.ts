import { killMatrix } from '../mutant-kill.js';

killMatrix(0, 2);

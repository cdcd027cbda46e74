/** Alias kept for `npm run gen:types`: regenerates every file under forms/generated (see generate.ts). */
import { writeGenerated } from './generate';

await writeGenerated();

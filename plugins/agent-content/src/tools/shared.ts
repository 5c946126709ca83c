import { z } from 'zod';

export const QualitySchema = z.object({
  pass: z.boolean(),
  reasons: z.array(z.object({ code: z.string(), message: z.string() })),
  readability: z.object({ words: z.number(), sentences: z.number(), syllables: z.number(), fleschReadingEase: z.number() }),
  bounds: z.object({ min: z.number(), max: z.number() }),
  bannedPhrases: z.array(z.object({ phrase: z.string(), count: z.number() })),
  offline: z.boolean(),
});

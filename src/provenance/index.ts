/**
 * Provenance: watermark what suspected distillers receive, and prove later that a model learned from it.
 * The gateway's API is `createWatermarker` (whole texts and streams) and `watermarkResponseBody`.
 */
export { createWatermarker, DEFAULT_MAX_CHANGE_RATE, type Watermarker, type WatermarkOptions, type WatermarkStats, type WatermarkStream } from './watermark.js';
export { watermarkResponseBody, type BodyResult } from './body.js';
export { generateKey, readKey, writeKey, keyFromSecret, type WatermarkKey } from './key.js';
export { SiteTally, verifyTexts, scanText, type VerifyReport } from './verify.js';
export { planOutputs, type Plan } from './plan.js';
export { defaultLexicon, parseLexicon, type Lexicon, type WordSet } from './lexicon.js';

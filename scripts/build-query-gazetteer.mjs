#!/usr/bin/env node
// Saves the taxonomy's spellings where the store's query understanding loads them (see
// packages/store/src/search/understand-query.ts): part of `npm run build`, after tsc.
import { writeQueryGazetteer } from "../packages/store/dist/index.js";

writeQueryGazetteer();

#!/usr/bin/env node
// Committed so npm can link the `regradar` bin at install time, before `prepare` compiles dist/.
import "../dist/main.js";

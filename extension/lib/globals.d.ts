// Replaced at build time from SHADOWLIGHT_* variables (see wxt.config.ts).
declare const __SL_SERVER_URL__: string;
declare const __SL_ENROLLMENT_TOKEN__: string;
declare const __SL_GROUP__: string;

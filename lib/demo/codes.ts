/**
 * The numbers the demo simulator writes into its scratch arrays and the renderers read back:
 * event kinds, populations, outcomes, and time units (epoch ms throughout).
 */

// ---- event kinds (EVENT_TYPES order) ----
export const K_STARTED = 0, K_CUSTOMER = 1, K_AI = 2, K_HUMAN = 3, K_ESCALATED = 4, K_RESOLVED = 5,
  K_REOPENED = 6, K_ABANDONED = 7, K_SURVEY = 8, K_CSAT = 9, K_WORK = 10, K_DRAFT = 11,
  K_QA = 12, K_OVERRIDE = 13;

// populations (POPULATIONS order)
export const AI_ONLY = 0, AI_ESCALATED = 1, HUMAN_ONLY = 2, UNHANDLED = 3;

// outcomes
export const O_NONE = 0, O_RESOLVED = 1, O_REOPENED = 2, O_ABANDONED = 3;

export const SEC = 1000;
export const MINUTE = 60 * SEC;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

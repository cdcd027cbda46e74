/**
 * Performance management (绩效管理) shapes shared by the goals in 二上, the mid-year and year-end
 * evaluations, rectification, public disclosure and the evidence attachments.
 */

/** Tier-1 indicator kinds: output, effect, satisfaction. */
export const INDICATOR_TIERS = ['output', 'effect', 'satisfaction'] as const;
export type IndicatorTier = (typeof INDICATOR_TIERS)[number];

/** Tier-2 kinds per tier-1 kind (satisfaction has none of its own). */
export const INDICATOR_SUBTIERS = {
  output: ['quantity', 'quality', 'timeliness', 'cost'],
  effect: ['social', 'economic', 'ecological', 'sustainable'],
  satisfaction: ['satisfaction'],
} as const satisfies Record<IndicatorTier, readonly string[]>;

export type Comparator = '>=' | '<=' | '=';

/** One performance indicator (绩效指标) of a project line. */
export interface Indicator {
  tier: IndicatorTier;
  subtier: string;
  name: string;
  unit: string;
  comparator: Comparator;
  target: number;
  /** Weights of a line's indicators total 100. */
  weight: number;
}

/** Grades of a year-end score: 优 ≥ 90, 良 80–89, 中 60–79, 差 < 60. */
export type Grade = 'excellent' | 'good' | 'fair' | 'poor';

/** One indicator's evaluated value. */
export interface IndicatorResult {
  name: string;
  actual: number;
  /** Score earned for this indicator, out of its weight. */
  score?: number;
  deviation?: string;
}

/**
 * What performance management records on a project (on the county project item and the city's
 * project read model), so that disclosure, monitoring and the next year's allocation can read it.
 */
export interface ProjectPerformance {
  goals?: Indicator[];
  midYear?: { submittedAt: string; results: IndicatorResult[]; offTarget: string[] };
  yearEnd?: {
    score: number;
    grade: Grade;
    confirmedAt: string;
    results: IndicatorResult[];
    /** Frozen once confirmed. */
    frozen: true;
  };
  /** Rectifications not yet closed (销号), by id. */
  openProblems?: string[];
}

/**
 * An evidence attachment (佐证材料) as forms reference it: data carries the attachment id, a string
 * field with `"format": "attachment"` in the form's JSON Schema (arrays of them for several files).
 * Only an attachment the server has verified may be used in a submission.
 */
export interface AttachmentRef {
  id: string;
  name: string;
  contentType: string;
  size: number;
  sha256: string;
  status: 'pending' | 'verified' | 'rejected';
  county?: string;
  uploadedBy: string;
  uploadedAt: string;
}

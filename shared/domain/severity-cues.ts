import type { FunctionArea } from './severity.ts';
import type { Vocabulary } from './words.ts';

/**
 * What casewatch listens for in a case's words (docs/severity.md#how-the-words-are-read), as phrases of plain
 * words (see `phrase` in words.ts for the few marks: `|` or, `?` optional, `@list`, `…` a short gap). Every
 * word is stemmed, so one form covers its inflections. Add a phrase here, then a description that needs it
 * to test/fixtures/severity/descriptions.json.
 */
export const VOCABULARY: Vocabulary = {
  /** Webhook events by their dotted names, read as their first part (`order.completed` is `order.`). */
  event: [
    'order.',
    'subscription.',
    'return.',
    'fulfillment.',
    'account.',
    'invoice.',
    'quote.',
    'payoutentry.',
    'mailinglistentry.',
  ],
  /** What an API call is about: "the subscriptions endpoint". */
  resource: ['order', 'subscription', 'account', 'product', 'return', 'quote', 'session', 'coupon', 'price'],
  /** Something the platform sends to the seller's systems. */
  notice: ['notification', 'notify', 'event', 'payload', 'post', 'ping', 'callback', 'postback', 'trigger'],
  /** The seller's own systems, the receiving end of a webhook. */
  ourEnd: ['server', 'endpoint', 'url', 'backend', 'listener', 'handler', 'zap', 'zapier'],
  we: ['our', 'my'],
  /** People who once held a seller account: the other side of an ownership dispute. */
  former: ['former', 'ex', 'old', 'previous'],
  person: [
    'partner',
    'cofounder',
    'co',
    'founder',
    'owner',
    'employee',
    'director',
    'admin',
    'manager',
    'developer',
    'contractor',
    'agency',
    'cto',
    'ceo',
    'cfo',
  ],
  /** What the seller pays the platform: the "contact rate" of the handbook. */
  rate: ['rate', 'commission', 'fee', 'percentage'],
  rises: ['change', 'up', 'increase', 'raise', 'higher', 'differ'],
  /** A buyer who is an organization: the handbook's B2B high-value orders. */
  organization: [
    'b2b',
    'company',
    'business',
    'organization',
    'enterprise',
    'corporate',
    'procurement',
    'po',
    'quote',
    'reseller',
    'distributor',
    'wholesale',
    'university',
    'school',
    'firm',
    'seats',
    'bulk',
    'volume',
  ],
  signUp: ['register', 'registration', 'signup', 'onboard', 'onboarding', 'portal'],
  tax: ['tax', 'vat', 'gst', 'taxes'],
  sent: [
    'receive',
    'get',
    'got',
    'arrive',
    'reach',
    'come',
    'came',
    'sent',
    'send',
    'deliver',
    'see',
    'show',
    'hit',
    'hear',
  ],
  key: ['key', 'serial', 'code'],
  /** What a number before it counts: "500 licences" is no HTTP 500. */
  counted: [
    'license',
    'licenses',
    'seat',
    'seats',
    'user',
    'users',
    'order',
    'orders',
    'customer',
    'customers',
    'people',
    'copies',
    'unit',
    'units',
    'subscriptions',
    'usd',
    'eur',
    'dollars',
    'euros',
  ],
  statusCode: ['400', '401', '403', '404', '405', '408', '429', '500', '502', '503', '504'],
};

export type CueKind =
  /** The words say by themselves that something is wrong in the area ("double billing", "account ownership"). */
  | 'problem'
  /** The words name what the area is about; they count in a sentence that also says something is wrong. */
  | 'topic'
  /** As `topic`, but only in a sentence that names no other area: "order", "payment" are everyone's words. */
  | 'fallback';

export interface AreaCue {
  area: FunctionArea;
  kind: CueKind;
  phrases: readonly string[];
  /** In a text that speaks of recurring billing anywhere, the evidence is for subscriptions instead. */
  recurringIsSubscriptions?: boolean;
  /** Counts only in a text that also has one of these phrases somewhere (who the buyer is). */
  onlyWith?: readonly string[];
  /** Not read in a sentence that names one of these areas: HTTP words are the webhook's there. */
  givesWayTo?: readonly FunctionArea[];
}

/**
 * The function areas' cues, most specific first: within a sentence, words one cue took are not read again by a
 * later one (a webhook's "our endpoint" is not the API's endpoint; a key missing from a response is the API's,
 * not a license key).
 */
export const AREA_CUES: readonly AreaCue[] = [
  {
    area: 'subscriptions',
    kind: 'problem',
    phrases: [
      'double billing|billed|rebill|rebills',
      'rebill|rebills double',
      'billed again',
      'zero|double @tax',
    ],
  },
  {
    area: 'transactions',
    kind: 'problem',
    phrases: [
      'charged|charge|charges twice',
      'double charge|charged|charges',
      'charged|billed … again',
      '@tax … twice',
      '@tax charged|added',
      'charged|charging @tax',
    ],
    recurringIsSubscriptions: true,
  },
  {
    area: 'transactions',
    kind: 'problem',
    phrases: ['payment|payments|card|cards|transaction|order … declined', 'declined … card|payment|payments'],
  },
  {
    area: 'accounts',
    kind: 'problem',
    phrases: [
      'account ownership',
      'ownership dispute',
      '@former @person',
      '@former business|co? partner|founder',
      'who owns|controls … account',
      'split pay|payment|payments|payout',
      'revenue share|split',
      'split … between',
      'split with',
      'payee',
      '@rate @rises',
      '@rate go|went|gone up',
      '@rate not applied',
    ],
  },
  {
    area: 'payouts',
    kind: 'problem',
    phrases: [
      'sent|went|paid|transferred to … wrong|old|closed|previous account|bank',
      'adjust|adjustment|correct|correction|fix … before … payout|disbursement|transfer|remittance',
    ],
  },
  {
    area: 'api',
    kind: 'problem',
    phrases: [
      'key|field|value|keys|fields|values missing|gone … response',
      'too many requests',
      'bad gateway',
    ],
  },
  {
    area: 'webhooks',
    kind: 'topic',
    phrases: [
      'webhook|webhooks|postback|postbacks|callback endpoint|endpoints|url|urls|server|listener',
      'webhook|webhooks|postback|postbacks|callback',
      'web hook|hooks',
      '@event',
      '@we @ourEnd … @notice',
      '@notice … @we @ourEnd',
      '@notice … @we license server',
      '@sent @we … @ourEnd',
      '@we license server … @notice',
      'server|http|order notification|notifications',
      'event|events',
    ],
  },
  {
    area: 'api',
    kind: 'topic',
    phrases: [
      'api|apis',
      '@resource endpoint|endpoints|api',
      'get|post|put|patch|delete /',
      '/',
      'rest interface|call|calls',
      'call|calls|fetch',
      'returned json',
    ],
  },
  {
    area: 'api',
    kind: 'topic',
    phrases: ['endpoint|endpoints', 'request|requests|response|responses', 'http|https'],
    givesWayTo: ['webhooks'],
  },
  {
    area: 'b2b',
    kind: 'topic',
    phrases: ['b2b', '@signUp', 'sign up', 'organization|company account', 'as a business'],
    onlyWith: ['@organization'],
  },
  {
    area: 'transactions',
    kind: 'topic',
    phrases: [
      'download|access|get|find|open invoice|invoices|receipt|receipts',
      'checkout|checkouts|cart',
      'store builder',
      'sbl',
      'buy|pay button',
      'payment page',
    ],
  },
  {
    area: 'fulfillments',
    kind: 'topic',
    phrases: [
      'fulfillment|fulfillments',
      'license|product|activation @key',
      'serial number?',
      '@key',
      'download|downloads|installer',
      'download link',
      'license|licenses email|emails',
      '@sent … license|licenses',
      'license|licenses … arrive|arrives|arrived|came|come',
    ],
  },
  {
    area: 'payouts',
    kind: 'topic',
    phrases: [
      'payout|payouts|disbursement|remittance|remittances|earnings|deposit|funds',
      'our bank',
      'payout|payment|earnings|sales statement|statements',
      'been|be|get|getting paid',
      'paid out',
      'bank details',
      'reserve',
      'withheld',
    ],
  },
  {
    area: 'subscriptions',
    kind: 'topic',
    phrases: [
      'subscription|subscriptions|subscriber|subscribers',
      'renewal|renewals|renew|renewed|rebill|rebills|recurring',
      'proration|prorate|prorated',
      'trial',
      'billing cycle',
      'mid cycle',
      'charge date',
      'monthly|yearly|annual plan|charge',
      'upgrade|downgrade',
      'cancel|cancelled|cancellation',
      'pause|paused|resume|resumed',
      'overdue',
    ],
  },
  {
    area: 'transactions',
    kind: 'topic',
    phrases: ['@tax', 'sales tax', 'reverse charge'],
    recurringIsSubscriptions: true,
  },
  {
    area: 'transactions',
    kind: 'fallback',
    phrases: [
      'order|orders|purchase|purchases|transaction|transactions',
      'buy|bought|pay|paid|payment|payments',
      'refund|refunds|refunded',
      'charge|charged',
      'price|total|amount|subtotal|coupon|discount|currency',
      'invoice|invoices|receipt|receipts',
      'sale|sales|sell',
      'money',
    ],
  },
];

export interface ProblemCue {
  /** Strong words count even in a question asking how to do something ("how do I fix webhooks not firing?"). */
  strong: boolean;
  phrases: readonly string[];
  /** Areas these words cannot be about: a renewal does not "arrive". */
  notFor?: readonly FunctionArea[];
}

/** Words that say something is wrong; the nearest area named in the sentence is what is wrong. */
export const PROBLEMS: readonly ProblemCue[] = [
  {
    strong: true,
    phrases: [
      'fail|fails|failed|failing|failure|failures',
      'error|errors|broken|broke|crash|crashes|crashed',
      'wrong|incorrect|incorrectly|invalid',
      'missing|lost|lose|empty|blank',
      'declined|decline|rejected|rejects|reject|blocked',
      'stuck|spins|spinning|loops|forever',
      'duplicate|duplicated|twice|double',
      'two|three|four|five|several|multiple times',
      'timeout|timeouts',
      'timed|timing|time out',
      'expired',
      'delayed|delay|delays|late|slow',
      'minutes|hours|days after|later',
      'stopped|stop|stops',
      'no longer',
      'not work|working|load|fire|firing|go|going|complete|created|generated|applied|validate|defined|shown',
      'does|did nothing',
      'went wrong',
      'unauthorized|unable',
      '@statusCode',
      'on hold',
      'withheld|withhold',
      'less|lower|more than',
      'short of|by',
      'is|was|are|were|came short',
      'not match|matching',
      'not add up',
      'without warning|notice|telling',
      'not informed|told',
      'nobody|no one told',
      'never agreed',
      'supposed to',
      'should apply|be|not',
      'on their own',
      'still charged|billed|being|gets|get|marked|coming',
      'charged again',
      'used to be',
      'look|looks|looked|seem|seems off',
      'not go|going|gone|went through',
      'removed|remove',
      'what happened',
      'where did … come from',
      'under collecting',
      'ran out',
      'old version',
      'same serial|key|code',
      'not see|show',
      'no key|code|license|link',
    ],
  },
  { strong: true, phrases: ['not|never @sent', 'nothing|no … @sent'], notFor: ['subscriptions'] },
  {
    strong: false,
    phrases: [
      'not|never|no|nothing|none|cannot',
      'issue|issues|problem|problems',
      'where is|are',
      'hold',
      'instead of',
      'down|outage|outages',
      'say|says|said … but',
      'switched|changed … from',
    ],
  },
];

/** Words that name nothing of an area: a VAT number is no tax problem, an order history no order. */
export const NEUTRAL: readonly string[] = [
  '@tax id|ids|number|numbers',
  'order|purchase|transaction number|numbers|id|ids|history|histories',
  '@statusCode ^@counted',
];

/** Words of recurring billing: a charge or a tax in a text that has them is a subscription matter. */
export const RECURRING: readonly string[] = [
  'subscription|subscriptions|subscriber|subscribers|renewal|renewals|renew|renewed|rebill|rebills|recurring',
  'trial',
  'billing cycle',
  'plan|plans',
  'cancel|cancelled|cancellation',
  'monthly|yearly|annual plan|plans|charge|charges|fee|subscription|billing|renewal',
  'double billing|billed|rebill|rebills',
  'billed again',
];

/**
 * A sentence that asks how to do something: its weak problem words are no failure ("can I…", "is there…",
 * "I'd like to…"). `questions` open a sentence that ends with a question mark; `requests` open any sentence.
 */
export const HOW_TO: { questions: readonly string[]; requests: readonly string[] } = {
  questions: [
    'can|could|may|would|will|do|does|should|is|are',
    'what|which|how',
    'where do|can|could|should|would',
  ],
  requests: [
    'how do|can|to|would|should',
    'is|are there',
    'i|we like|love|want|need to',
    'would like|love',
    'please',
  ],
};

/**
 * Words that take the area out of the sentence: "not about webhooks", "nothing to do with the API", "no
 * problem with payouts" (from there to the end of the clause).
 */
export const DISMISSALS: readonly string[] = [
  'not about|regarding|re',
  'not a|an … issue|issues|problem|problems|question',
  'not related|relate to',
  'nothing to do with',
  'no issue|issues|problem|problems with',
  'unrelated to',
  'other than',
  'apart from',
];

/** Words that say a clause is fine, or was fixed: its problem words and topics do not count. */
export const ALL_WELL: readonly string[] = [
  'fine|ok|okay',
  'work|works|working|arrive|arriving|come|coming|go|going correctly|properly|normally|well|fine',
  'working|works now',
  'sorted|sorting out',
  'resolved|fixed',
];

export type Indicator =
  | { area: 'urgency'; indicator: 'ongoing' | 'noWorkaround' | 'churnRisk' | 'timeDependent' }
  | { area: 'breadth' }
  | { area: 'visibility' };

/** Urgency, breadth and visibility in the words; a negation just before one ("not urgent") takes it back. */
export const INDICATOR_CUES: readonly { indicator: Indicator; phrases: readonly string[] }[] = [
  {
    indicator: { area: 'urgency', indicator: 'ongoing' },
    phrases: ['ongoing', 'still happening|failing|broken|down', 'right now', 'keep|keeps happening|failing'],
  },
  {
    indicator: { area: 'urgency', indicator: 'noWorkaround' },
    phrases: [
      'no acceptable? workaround|workarounds',
      'no acceptable? work around',
      'completely blocked|broken|down',
    ],
  },
  {
    indicator: { area: 'urgency', indicator: 'churnRisk' },
    phrases: [
      'churn',
      'losing customers|trust|confidence',
      'switch|switching provider|providers|platform|platforms',
    ],
  },
  {
    indicator: { area: 'urgency', indicator: 'timeDependent' },
    phrases: ['urgent', 'asap', 'deadline', 'time sensitive', 'by today|tomorrow|eod', 'by end of day'],
  },
  {
    indicator: { area: 'breadth' },
    phrases: [
      'all|every of? our|my? customers|buyers|orders|transactions|subscriptions|subscribers|sellers',
      'hundreds|thousands of',
    ],
  },
  {
    indicator: { area: 'visibility' },
    phrases: ['multiple|several live? stores', 'all of? our|my live? stores'],
  },
];

import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';

/** Properties of {@link ApiFirewall}. */
export interface ApiFirewallProps {
  /**
   * Requests one bearer token (the whole Authorization header) may make per minute, across every API.
   * A person working a form makes a few a minute; 300 leaves room for bursts while one token can take
   * at most 5 of the 50 requests per second a county's stage allows.
   * @default 300
   */
  readonly perTokenPerMinute?: number;
  /**
   * Requests one IP address may make per minute. County offices reach the internet through shared
   * addresses, so this only stops floods, including those that carry no token.
   * @default 3000
   */
  readonly perIpPerMinute?: number;
}

/**
 * A CLOUDFRONT-scope AWS WAF web ACL for the API edge (it must be created in us-east-1): a rate-based
 * rule keyed on the Authorization header, so each signed-in client has its own budget, and a per-IP
 * rate rule for requests without one. Both answer 429; everything else is allowed (the APIs check
 * the token themselves). Metrics and sampled requests per rule.
 */
export class ApiFirewall extends Construct {
  readonly webAcl: wafv2.CfnWebACL;

  constructor(scope: Construct, id: string, props: ApiFirewallProps = {}) {
    super(scope, id);
    const visibility = (metricName: string) => ({
      cloudWatchMetricsEnabled: true,
      sampledRequestsEnabled: true,
      metricName,
    });
    const tooMany = { block: { customResponse: { responseCode: 429 } } };
    this.webAcl = new wafv2.CfnWebACL(this, 'WebAcl', {
      scope: 'CLOUDFRONT',
      description: 'Minsheng API edge: per-client and per-IP rate limits',
      defaultAction: { allow: {} },
      visibilityConfig: visibility('MinshengApiEdge'),
      rules: [
        {
          name: 'PerTokenRate',
          priority: 0,
          action: tooMany,
          visibilityConfig: visibility('MinshengApiPerTokenRate'),
          statement: {
            rateBasedStatement: {
              limit: props.perTokenPerMinute ?? 300,
              evaluationWindowSec: 60,
              aggregateKeyType: 'CUSTOM_KEYS',
              customKeys: [
                { header: { name: 'authorization', textTransformations: [{ priority: 0, type: 'NONE' }] } },
              ],
            },
          },
        },
        {
          name: 'PerIpRate',
          priority: 1,
          action: tooMany,
          visibilityConfig: visibility('MinshengApiPerIpRate'),
          statement: {
            rateBasedStatement: {
              limit: props.perIpPerMinute ?? 3000,
              evaluationWindowSec: 60,
              aggregateKeyType: 'IP',
            },
          },
        },
      ],
    });
  }

  get webAclArn(): string {
    return this.webAcl.attrArn;
  }
}

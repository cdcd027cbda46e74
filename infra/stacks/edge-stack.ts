import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { ApiEdge, type EdgeApi } from '../constructs/api-edge';
import { ApiFirewall, type ApiFirewallProps } from '../constructs/api-firewall';

/** Properties of {@link EdgeStack}. */
export interface EdgeStackProps extends StackProps {
  readonly apis: readonly EdgeApi[];
  readonly webAclArn: string;
}

/**
 * The API edge: one CloudFront distribution in front of the city and county APIs with the AWS WAF
 * web ACL of per-client rate limits. Deployed after every county stack (it names their APIs) and
 * before the WebConfig stack (which points the web app at it).
 */
export class EdgeStack extends Stack {
  readonly edge: ApiEdge;

  constructor(scope: Construct, id: string, props: EdgeStackProps) {
    super(scope, id, { description: 'Minsheng 民生 API edge (CloudFront + AWS WAF)', ...props });
    this.edge = new ApiEdge(this, 'ApiEdge', { apis: props.apis, webAclArn: props.webAclArn });
    new CfnOutput(this, 'ApiEdgeUrl', { value: this.edge.url, description: 'APIs through AWS WAF' });
  }
}

/** Properties of {@link FirewallStack}. */
export interface FirewallStackProps extends StackProps, ApiFirewallProps {}

/** The CLOUDFRONT-scope web ACL of the API edge; CloudFront requires it in us-east-1. */
export class FirewallStack extends Stack {
  readonly firewall: ApiFirewall;

  constructor(scope: Construct, id: string, props: FirewallStackProps) {
    super(scope, id, { description: 'Minsheng 民生 API edge web ACL (us-east-1)', ...props });
    this.firewall = new ApiFirewall(this, 'ApiFirewall', props);
  }
}

import { Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { WebAuthConfig } from '../constructs/identity';
import { WebConfig } from '../constructs/web-config';
import type { WebHosting } from '../constructs/web-hosting';

/** Properties of {@link WebConfigStack}. */
export interface WebConfigStackProps extends StackProps {
  readonly web: WebHosting;
  readonly cityApi: string;
  readonly counties: readonly { code: string; name: string; api: string }[];
  readonly auth: WebAuthConfig;
}

/**
 * Deployed after the city and every county stack: writes `config.json` (API URLs, sign-in settings)
 * next to the web app. Small on purpose; adding a county changes only this stack and the new one.
 */
export class WebConfigStack extends Stack {
  readonly config: WebConfig;

  constructor(scope: Construct, id: string, props: WebConfigStackProps) {
    super(scope, id, { description: 'Minsheng 民生 web app configuration', ...props });
    this.config = new WebConfig(this, 'WebConfig', props);
  }
}

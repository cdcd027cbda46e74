import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import { webConfigDocument } from '../../functions/core/web-config';
import type { WebAuthConfig } from './identity';
import { SiteDeployment } from './site-deployment';
import { WEB_CONFIG_OBJECT, type WebHosting } from './web-hosting';

/** Properties of {@link WebConfig}. */
export interface WebConfigProps {
  readonly web: WebHosting;
  /** City API base URL (ends with `/`). */
  readonly cityApi: string;
  readonly counties: readonly { code: string; name: string; api: string }[];
  readonly auth: WebAuthConfig;
}

/**
 * Writes the web app's `/config.json` (`{cityApi, counties:[{code,name,api}], auth, orgs}`, built by
 * {@link webConfigDocument} exactly as the local twin's) into the web bucket and invalidates it. It
 * needs every county's API URL, which exists only after the county stacks, hence its own stack
 * deployed last. Served with `Cache-Control: no-cache`, so CloudFront revalidates it and no
 * invalidation is needed.
 */
export class WebConfig extends Construct {
  readonly deployment: SiteDeployment;

  constructor(scope: Construct, id: string, props: WebConfigProps) {
    super(scope, id);
    this.deployment = new SiteDeployment(this, 'Deploy', {
      sources: [
        // The same builder as the twin's gateway: API URLs lose their trailing `/`, orgs come along.
        s3deploy.Source.jsonData(
          WEB_CONFIG_OBJECT,
          webConfigDocument({ cityApi: props.cityApi, counties: props.counties, auth: props.auth }),
        ),
      ],
      destinationBucket: props.web.bucket,
      prune: false,
      cacheControl: [s3deploy.CacheControl.noCache()],
      contentType: 'application/json',
      memoryLimit: 256,
    });
  }
}

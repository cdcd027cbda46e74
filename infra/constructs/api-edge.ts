import { Duration, Fn, RemovalPolicy } from 'aws-cdk-lib';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { NagSuppressions } from 'cdk-nag';
import { Construct } from 'constructs';

/** One HTTP API behind the edge. */
export interface EdgeApi {
  /** The path prefix the web app uses for it: `/api` (city) or `/county/<code>/api`. */
  readonly prefix: string;
  /** The API's endpoint, `https://<id>.execute-api.<region>.<suffix>`. */
  readonly endpoint: string;
}

/** Properties of {@link ApiEdge}. */
export interface ApiEdgeProps {
  /** The city API first (it also takes the default behavior), then the counties'. */
  readonly apis: readonly EdgeApi[];
  /** The CLOUDFRONT-scope web ACL (ARN) whose rate rules apply to every request. */
  readonly webAclArn: string;
  /** @default cloudfront.PriceClass.PRICE_CLASS_200 */
  readonly priceClass?: cloudfront.PriceClass;
  /** @default Duration.days(365) */
  readonly accessLogRetention?: Duration;
}

/**
 * Viewer-request function: the edge serves each API under the prefix the web app already uses; the
 * HTTP API's routes start after it.
 */
const STRIP_PREFIX = `function handler(event) {
  var request = event.request;
  request.uri = request.uri.replace(/^(\\/county\\/[^\\/]+)?\\/api(?=\\/|$)/, '') || '/';
  return request;
}`;

/**
 * A CloudFront distribution in front of every HTTP API, with the AWS WAF web ACL attached: HTTP APIs
 * accept no web ACL themselves, so this is where per-client rate limits apply. Nothing is cached;
 * every viewer header but Host goes to the API (Authorization and the CORS headers included), so
 * the JWT authorizer and CORS work as they do on the execute-api URL. Access logs to a log bucket.
 */
export class ApiEdge extends Construct {
  readonly distribution: cloudfront.Distribution;
  readonly logBucket: s3.Bucket;

  constructor(scope: Construct, id: string, props: ApiEdgeProps) {
    super(scope, id);
    if (props.apis.length === 0) throw new Error('ApiEdge needs at least the city API');
    this.logBucket = new s3.Bucket(this, 'AccessLogs', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_PREFERRED,
      lifecycleRules: [{ expiration: props.accessLogRetention ?? Duration.days(365) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    NagSuppressions.addResourceSuppressions(this.logBucket, [
      {
        id: 'AwsSolutions-S1',
        reason:
          'This is the access-log bucket of the API edge distribution; logging it into itself would loop.',
      },
    ]);
    const strip = new cloudfront.Function(this, 'StripPrefix', {
      code: cloudfront.FunctionCode.fromInline(STRIP_PREFIX),
      runtime: cloudfront.FunctionRuntime.JS_2_0,
      comment: 'Minsheng API edge: /api and /county/<code>/api prefixes to API routes',
    });
    const behavior = (endpoint: string): cloudfront.BehaviorOptions => ({
      origin: new origins.HttpOrigin(Fn.select(2, Fn.split('/', endpoint)), {
        protocolPolicy: cloudfront.OriginProtocolPolicy.HTTPS_ONLY,
      }),
      viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
      allowedMethods: cloudfront.AllowedMethods.ALLOW_ALL,
      cachePolicy: cloudfront.CachePolicy.CACHING_DISABLED,
      originRequestPolicy: cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
      functionAssociations: [{ function: strip, eventType: cloudfront.FunctionEventType.VIEWER_REQUEST }],
    });
    const [city, ...rest] = props.apis;
    const additionalBehaviors: Record<string, cloudfront.BehaviorOptions> = {};
    for (const api of [city, ...rest]) additionalBehaviors[`${api.prefix}/*`] = behavior(api.endpoint);
    this.distribution = new cloudfront.Distribution(this, 'Distribution', {
      comment: 'Minsheng APIs (rate-limited per client by AWS WAF)',
      defaultBehavior: behavior(city.endpoint),
      additionalBehaviors,
      webAclId: props.webAclArn,
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      priceClass: props.priceClass ?? cloudfront.PriceClass.PRICE_CLASS_200,
      enableLogging: true,
      logBucket: this.logBucket,
      logFilePrefix: 'cloudfront/',
    });
    NagSuppressions.addResourceSuppressions(this.distribution, [
      {
        id: 'AwsSolutions-CFR1',
        reason:
          'No geo restriction: city and county staff work from wherever they are; every API call is authorized by a JWT.',
      },
      {
        id: 'AwsSolutions-CFR4',
        reason:
          'The default *.cloudfront.net certificate fixes the viewer policy at TLSv1 and ignores minimumProtocolVersion; a custom domain and certificate allow TLSv1.2_2021.',
      },
    ]);
  }

  /** `https://<distribution domain>` (no trailing slash). */
  get url(): string {
    return `https://${this.distribution.distributionDomainName}`;
  }
}

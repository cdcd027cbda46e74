import * as fs from 'node:fs';
import { Annotations, Duration, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import { NagSuppressions } from 'cdk-nag';
import { Construct } from 'constructs';
import { contentSecurityPolicy, WEB_SECURITY } from '../web-security';
import { SiteDeployment } from './site-deployment';

/** Properties of {@link WebHosting}. */
export interface WebHostingProps {
  /**
   * The built web app (`vite build` output). Deployed when the folder exists at synth time; otherwise
   * the bucket stays as it is and a warning says so (synth must work on a fresh clone).
   */
  readonly distPath: string;
  /**
   * Extra `connect-src` sources of the Content-Security-Policy: the APIs and the identity provider.
   * @default none ('self' only)
   */
  readonly connectSources?: readonly string[];
  /**
   * Retention of S3 server access logs and CloudFront access logs.
   * @default Duration.days(365)
   */
  readonly accessLogRetention?: Duration;
  /**
   * CloudFront price class. 200 includes the edge locations in Asia closest to the users.
   * @default cloudfront.PriceClass.PRICE_CLASS_200
   */
  readonly priceClass?: cloudfront.PriceClass;
  /**
   * How CloudFront reads the bucket. Origin access control is the current mechanism, but
   * `AWS::CloudFront::OriginAccessControl` does not exist in the China regions, where an origin
   * access identity does the same job.
   * @default 'identity' when the stack's region starts with `cn-`, else 'control'
   */
  readonly originAccess?: 'control' | 'identity';
}

/** The file the deployment of `web/dist` leaves alone: it is written by the WebConfig stack. */
export const WEB_CONFIG_OBJECT = 'config.json';

/**
 * The browser app: a private, versioned, TLS-only bucket read by CloudFront through origin access
 * control; `index.html` as root object and as the answer for unknown paths (client-side routing); a
 * response-headers policy with HSTS, CSP, frame and content-type protections; access logs for the
 * bucket and the distribution in a separate log bucket.
 */
export class WebHosting extends Construct {
  readonly bucket: s3.Bucket;
  readonly logBucket: s3.Bucket;
  readonly distribution: cloudfront.Distribution;
  readonly deployment?: SiteDeployment;

  constructor(scope: Construct, id: string, props: WebHostingProps) {
    super(scope, id);
    this.logBucket = new s3.Bucket(this, 'AccessLogs', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      // CloudFront standard logging writes with ACLs.
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_PREFERRED,
      lifecycleRules: [{ expiration: props.accessLogRetention ?? Duration.days(365) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    NagSuppressions.addResourceSuppressions(this.logBucket, [
      {
        id: 'AwsSolutions-S1',
        reason:
          'This is the access-log bucket of the web bucket and the distribution; logging it into itself would loop.',
      },
    ]);
    this.bucket = new s3.Bucket(this, 'Bucket', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      versioned: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsBucket: this.logBucket,
      serverAccessLogsPrefix: 's3/',
      lifecycleRules: [{ noncurrentVersionExpiration: Duration.days(90) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const sec = WEB_SECURITY;
    const headers = new cloudfront.ResponseHeadersPolicy(this, 'SecurityHeaders', {
      comment: 'Minsheng web security headers',
      securityHeadersBehavior: {
        strictTransportSecurity: {
          accessControlMaxAge: Duration.seconds(sec.hsts.maxAgeSeconds),
          includeSubdomains: sec.hsts.includeSubdomains,
          override: true,
        },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: cloudfront.HeadersFrameOption[sec.frameOptions], override: true },
        referrerPolicy: {
          // The enum's values are the header's values.
          referrerPolicy: sec.referrerPolicy as cloudfront.HeadersReferrerPolicy,
          override: true,
        },
        xssProtection: { ...sec.xssProtection, override: true },
        contentSecurityPolicy: {
          contentSecurityPolicy: contentSecurityPolicy(props.connectSources),
          override: true,
        },
      },
    });
    const region = Stack.of(this).region;
    const originAccess =
      props.originAccess ??
      (!Token.isUnresolved(region) && region.startsWith('cn-') ? 'identity' : 'control');
    const origin =
      originAccess === 'control'
        ? origins.S3BucketOrigin.withOriginAccessControl(this.bucket)
        : origins.S3BucketOrigin.withOriginAccessIdentity(this.bucket);
    this.distribution = new cloudfront.Distribution(this, 'Distribution', {
      comment: 'Minsheng web app',
      defaultRootObject: 'index.html',
      defaultBehavior: {
        origin,
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: headers,
        compress: true,
      },
      // Unknown paths are client-side routes: answer with the app shell. Without s3:ListBucket the
      // bucket reports a missing key as 403, so both codes map.
      errorResponses: [403, 404].map((status) => ({
        httpStatus: status,
        responseHttpStatus: 200,
        responsePagePath: '/index.html',
        ttl: Duration.seconds(0),
      })),
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
          'No geo restriction: city and county staff sign in from wherever they work (including travel), and every API call is authorized by a JWT; the bucket only holds the public app shell.',
      },
      {
        id: 'AwsSolutions-CFR2',
        reason:
          'No WAF web ACL by default: a CLOUDFRONT-scope web ACL must be created in us-east-1, outside this stack. The distribution serves static files only; the APIs are throttled and JWT-protected.',
      },
      {
        id: 'AwsSolutions-CFR4',
        reason:
          'The distribution uses the default *.cloudfront.net certificate, for which CloudFront fixes the viewer security policy at TLSv1 and ignores minimumProtocolVersion; attaching a custom domain and certificate is what allows TLSv1.2_2021.',
      },
    ]);
    if (originAccess === 'identity') {
      NagSuppressions.addResourceSuppressions(this.distribution, [
        {
          id: 'AwsSolutions-CFR7',
          reason:
            'AWS::CloudFront::OriginAccessControl does not exist in the China regions; the bucket is reached through an origin access identity instead and stays private (block public access, TLS-only policy).',
        },
      ]);
    }

    if (fs.existsSync(props.distPath)) {
      this.deployment = new SiteDeployment(this, 'Deploy', {
        sources: [s3deploy.Source.asset(props.distPath)],
        destinationBucket: this.bucket,
        // config.json belongs to the WebConfig stack; prune must not delete it.
        exclude: [WEB_CONFIG_OBJECT],
        prune: true,
        distribution: this.distribution,
        distributionPaths: ['/*'],
        memoryLimit: 512,
      });
    } else {
      Annotations.of(this).addWarningV2(
        'minsheng:web-dist-missing',
        `${props.distPath} does not exist: the web app is not deployed (run \`npm run build:web\` before \`cdk deploy\`).`,
      );
    }
  }

  /** `https://<distribution domain>` (no trailing slash). */
  get url(): string {
    return `https://${this.distribution.distributionDomainName}`;
  }
}
